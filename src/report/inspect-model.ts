// The model `natpath inspect` renders: per host, each file with its kind and basic facts.
// Field names here are a JSON contract (docs/json-schema.md): add fields, never rename them.

import type { Diagnostic } from '../text/diagnostic.js';
import type { FileKind } from '../case/file-kind.js';

export interface CaptureFacts {
  type: 'capture';
  format: 'pcap' | 'pcapng';
  compression: 'gzip' | null;
  timestampPrecision: string;
  linkTypes: Array<{ code: number; name: string; packets: number }>;
  interfaces: Array<{ id: number; name: string | null; linkType: string; packets: number }>;
  packets: number;
  capturedBytes: number;
  wireBytes: number;
  truncatedPackets: number;
  /** Epoch seconds as decimal strings with the file's full precision; null with no timestamped packet. */
  firstTimestamp: string | null;
  lastTimestamp: string | null;
  durationSeconds: number | null;
  complete: boolean;
}

export interface IptablesFacts {
  type: 'iptables';
  family: 'ipv4' | 'ipv6';
  tables: Array<{ name: string; chains: number; userChains: number; rules: number }>;
  rules: number;
}

export interface RoutesFacts {
  type: 'routes';
  routes: number;
  byTable: Array<{ table: string; family: 'ipv4' | 'ipv6'; routes: number }>;
  defaultRoutes: number;
}

export interface RulesFacts {
  type: 'rules';
  rules: number;
  families: Array<'ipv4' | 'ipv6'>;
  tables: string[];
}

export interface InterfacesFacts {
  type: 'interfaces';
  interfaces: number;
  names: string[];
  addresses: number;
  kinds: Array<{ kind: string; count: number }>;
}

export interface ConntrackFacts {
  type: 'conntrack';
  entries: number;
  natted: number;
  byProtocol: Array<{ protocol: string; entries: number }>;
}

/** `host-info.txt` written by `natpath collect`: host name, kernel, namespace, time, limits. */
export interface HostInfoFacts {
  type: 'host-info';
  entries: Array<{ key: string; value: string }>;
}

export type FileFacts = CaptureFacts | IptablesFacts | RoutesFacts | RulesFacts | InterfacesFacts | ConntrackFacts | HostInfoFacts;

export interface InspectedFile {
  path: string;
  size: number;
  kind: FileKind;
  compression: 'gzip' | null;
  /** Present for recognised files whose facts could be read. */
  facts: FileFacts | null;
  /** Why the file was not recognised (kind 'unrecognised'). */
  reason: string | null;
  /** Problems found while reading this file (counts of skipped lines/packets included). */
  diagnostics: Diagnostic[];
}

export interface InspectedHost {
  name: string;
  sources: string[];
  files: InspectedFile[];
}

export interface InspectReport {
  schema: 'natpath.inspect/1';
  hosts: InspectedHost[];
  looseFiles: InspectedFile[];
  diagnostics: Diagnostic[];
  /** `collectorFiles`: `natpath collect`'s own collect.log and host-info.txt. */
  totals: { hosts: number; files: number; captures: number; snapshots: number; unrecognised: number; collectorFiles: number; packets: number };
}
