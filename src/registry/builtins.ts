// Loads the modules that register fastda's built-in components. The CLI
// calls loadBuiltins() before validating a config, so only the commands that
// need components pay for loading them (and the native addon they pull in).
//
// To add built-ins: append the module path (relative to this file) to
// BUILTIN_MODULES. Each module registers its components on import, e.g.
//   '../methods/register',   // SourceOnly, DANN, CDAN, MCD, MCC trainers
//   '../data/register',      // MNIST, USPS datasets + transforms
//   '../engine/register',    // default hooks, optimizers, lr schedulers
const BUILTIN_MODULES: string[] = ['../models/register', '../optim/register', '../engine/register', '../methods/register', '../data/register'];

let loaded = false;

export function loadBuiltins(): void {
  if (loaded) return;
  loaded = true;
  for (const id of BUILTIN_MODULES) {
    // require() with a variable keeps the list data-driven; paths resolve
    // from dist/src/registry at run time.
    try {
      require(id);
    } catch (error) {
      // e.g. the native addon is not built: say which built-ins failed
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`cannot load fastda's built-in components (${id}): ${reason}`, { cause: error });
    }
  }
}
