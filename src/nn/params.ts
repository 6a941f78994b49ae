/**
 * Named parameters. tfjs keeps one global registry of variable names, so two networks in
 * one process (tests, a BYOL target copy, embedding while training) cannot both own a
 * variable called `encoder/conv1/kernel`. Each ParameterSet therefore registers its
 * variables under a unique prefix and keeps the stable, logical name separately: the
 * logical name is what checkpoints store.
 */
import * as tf from '@tensorflow/tfjs';

export interface NamedVariable {
  /** stable logical name, e.g. `encoder/conv1/kernel` (the key in weight files) */
  name: string;
  variable: tf.Variable;
  /** false for running statistics and other state the optimizer must not touch */
  trainable: boolean;
}

let instanceCounter = 0;

export class ParameterSet {
  readonly entries: NamedVariable[] = [];
  private readonly prefix = `lssl${instanceCounter++}`;

  /** Registers a variable with `values` (row-major for `shape`). */
  add(name: string, shape: number[], values: Float32Array, trainable = true): tf.Variable {
    if (this.entries.some((e) => e.name === name)) throw new Error(`parameter ${name} defined twice`);
    const variable = tf.tidy(() =>
      tf.variable(tf.tensor(values, shape, 'float32'), trainable, `${this.prefix}/${name}`),
    );
    this.entries.push({ name, variable, trainable });
    return variable;
  }

  get(name: string): tf.Variable {
    const entry = this.entries.find((e) => e.name === name);
    if (!entry) throw new Error(`no parameter named ${name}`);
    return entry.variable;
  }

  trainable(): tf.Variable[] {
    return this.entries.filter((e) => e.trainable).map((e) => e.variable);
  }

  /** Number of scalar values in all parameters. */
  size(): number {
    return this.entries.reduce((n, e) => n + e.variable.size, 0);
  }

  dispose(): void {
    for (const e of this.entries) e.variable.dispose();
    this.entries.length = 0;
  }
}
