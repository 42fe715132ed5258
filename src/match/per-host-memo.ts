// What a host's simulated walk answered, kept per host model and per key: analyze explains
// thousands of flows of a few shapes, and one walk answers every flow of a shape. Weakly held, so
// a host model's answers go with it.

import type { HostModel } from '../sim/host-model.js';

export class PerHostMemo<T> {
  private readonly byModel = new WeakMap<HostModel, Map<string, T>>();

  /** The value kept for (model, key), or `compute()`'s, kept. */
  get(model: HostModel, key: string, compute: () => T): T {
    let values = this.byModel.get(model);
    if (values === undefined) {
      values = new Map();
      this.byModel.set(model, values);
    }
    let value = values.get(key);
    if (value === undefined) {
      value = compute();
      values.set(key, value);
    }
    return value;
  }
}
