// torch.nn: modules, layers and initialisers.
export { Module, StateDictError, type StateDict, type LoadReport } from './module';
export * from './layers';
export * as init from './init';
export { ScriptModule } from './script';
