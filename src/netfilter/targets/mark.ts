// MARK and CONNMARK: the packet's and the connection's marks, every form stored as the kernel's
// xmark (`mark = (mark & ~mask) ^ value`), as iptables itself stores them.

import type { TargetModule, TargetOption } from '../target-module.js';
import { parseMarkValue, parseUint32 } from '../parse-values.js';

const MARK_OPTIONS = ['--set-xmark', '--set-mark', '--and-mark', '--or-mark', '--xor-mark'];

function normaliseMark(o: TargetOption): { value: number; mask: number } | null {
  const text = o.args[0] ?? '';
  if (o.name === '--set-xmark' || o.name === '--set-mark') {
    const m = parseMarkValue(text);
    if (m === null) return null;
    // --set-mark v/m clears m then ORs v, which is xmark v/(m|v).
    return o.name === '--set-xmark' ? m : { value: m.value, mask: (m.mask | m.value) >>> 0 };
  }
  const bits = parseUint32(text);
  if (bits === null) return null;
  if (o.name === '--and-mark') return { value: 0, mask: ~bits >>> 0 };
  if (o.name === '--or-mark') return { value: bits, mask: bits };
  return { value: bits, mask: 0 }; // --xor-mark
}

export const MARK: TargetModule = {
  names: ['MARK'],
  read(t) {
    const o = t.opt(...MARK_OPTIONS);
    if (o === undefined) return { bad: 'no --set-xmark/--set-mark/--and-mark/--or-mark/--xor-mark' };
    const m = normaliseMark(o);
    if (m === null) return { bad: `${o.name} ${o.args.join(' ')} is not a mark value` };
    return { kind: 'MARK', value: m.value, mask: m.mask };
  },
};

export const CONNMARK: TargetModule = {
  names: ['CONNMARK'],
  read(t) {
    const masks = (): { nfmask: number; ctmask: number } | null => {
      const nf = t.opt('--nfmask')?.args[0];
      const ct = t.opt('--ctmask')?.args[0];
      const mask = t.opt('--mask')?.args[0];
      const nfmask = parseUint32(nf ?? mask ?? '0xffffffff');
      const ctmask = parseUint32(ct ?? mask ?? '0xffffffff');
      return nfmask === null || ctmask === null ? null : { nfmask, ctmask };
    };
    if (t.flag('--save-mark')) {
      const m = masks();
      return m === null ? { bad: 'bad --nfmask/--ctmask' } : { kind: 'CONNMARK-save', ...m };
    }
    if (t.flag('--restore-mark')) {
      const m = masks();
      return m === null ? { bad: 'bad --nfmask/--ctmask' } : { kind: 'CONNMARK-restore', ...m };
    }
    const o = t.opt(...MARK_OPTIONS);
    if (o === undefined) return { bad: 'no --save-mark, --restore-mark or --set-xmark' };
    const m = normaliseMark(o);
    if (m === null) return { bad: `${o.name} ${o.args.join(' ')} is not a mark value` };
    return { kind: 'CONNMARK-set', value: m.value, mask: m.mask };
  },
};
