// fastda's tensor library: `import * as torch from './torch'`.
export { Tensor, type NestedArray, type Operand, type ValuesIndices } from './tensor';
export * from './creation';
export * from './autograd';
export * from './runtime';
export { scope, keep, dispose, scopeDepth } from './scope';
export { DTYPES, isFloatingDtype, type DType, type Device } from './dtype';
export * as functional from './functional';
export * as nn from './nn';
export * as optim from './optim';
export { saveToBuffer, loadFromBuffer } from './serialize';
