// TPROXY --on-port P [--on-ip A] [--tproxy-mark V[/M]]: hand the packet to a local socket.

import { parseIpAddress } from '../../net/address.js';
import type { TargetModule } from '../target-module.js';
import { parseMarkValue } from '../parse-values.js';

export const TPROXY: TargetModule = {
  names: ['TPROXY'],
  read(t) {
    const portText = t.opt('--on-port')?.args[0];
    const ipText = t.opt('--on-ip')?.args[0];
    const markText = t.opt('--tproxy-mark')?.args[0];
    return {
      kind: 'TPROXY',
      port: portText === undefined ? null : Number(portText),
      address: ipText === undefined ? null : parseIpAddress(ipText),
      mark: markText === undefined ? null : parseMarkValue(markText),
    };
  },
};
