// How the long loops of matching (packets across captures, clock offsets, linking legs,
// explaining flows) tell a progress bar how far they are without costing anything per packet:
// each calls its reporter once every so many units of work — REPORT_EVERY light ones (sampled
// packets, leg pairs), REPORT_EVERY_HEAVY heavy ones (flows, each ordered or explained) — so a
// loop pays one comparison per unit.

/** The share of the phase done, from 0 to 1. */
export type ReportShare = (share: number) => void;

/** Light units (a row or a pair: well under a microsecond each) between two reports. */
export const REPORT_EVERY = 4096;

/** Heavy units (a flow ordered or explained: microseconds to milliseconds each) between two reports. */
export const REPORT_EVERY_HEAVY = 64;
