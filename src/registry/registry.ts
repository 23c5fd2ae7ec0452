// Registry<T>: name -> factory + option schema + one-line description.
// One generic type serves models, datasets, trainers, hooks, ... so that
// config validation, `fastda list` and building work the same for all.
import { UsageError } from '../util/errors';
import { didYouMean } from '../util/suggest';
import {
  checkSchema,
  closeSchema,
  isObject,
  listNames,
  validateAgainst,
  type JsonSchema,
  type OptionIssue,
} from './validate';

export type Factory<T, A extends unknown[]> = (options: Record<string, any>, ...extra: A) => T;

export interface ComponentSpec<T, A extends unknown[] = unknown[]> {
  factory: Factory<T, A>;
  /**
   * JSON schema of the options (the component's config minus `type`). Object
   * schemas with `properties` are closed: unknown keys are errors. Omit it
   * for a component without options of its own.
   */
  schema?: JsonSchema;
  /** One line, shown by `fastda list`. */
  description: string;
}

export interface ComponentEntry<T, A extends unknown[] = unknown[]> extends ComponentSpec<T, A> {
  name: string;
}

export interface RegistryOptions {
  /** Singular noun used in messages: "model", "lr scheduler". */
  kind: string;
  /** Keys every component of this registry accepts (lr_mult, batch_size...). */
  commonOptions?: Record<string, JsonSchema>;
}

/** Unknown names, duplicate registrations, invalid options at build time. */
export class RegistryError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryError';
  }
}

export class Registry<T = unknown, A extends unknown[] = unknown[]> {
  readonly kind: string;
  readonly commonOptions: Readonly<Record<string, JsonSchema>>;
  private readonly entries = new Map<string, ComponentEntry<T, A>>();
  private readonly schemas = new Map<string, JsonSchema>();

  constructor(
    readonly name: string,
    options: RegistryOptions,
  ) {
    this.kind = options.kind;
    this.commonOptions = options.commonOptions ?? {};
  }

  /** Adds a component; a name already taken is an error unless `override` is set. */
  register(name: string, spec: ComponentSpec<T, A>, options: { override?: boolean } = {}): ComponentEntry<T, A> {
    if (typeof name !== 'string' || name.trim() === '') {
      throw new RegistryError(`cannot register a ${this.kind} without a name`);
    }
    if (this.entries.has(name) && !options.override) {
      throw new RegistryError(
        `duplicate ${this.kind} name '${name}': already registered in ${this.name} ` +
          `(pass { override: true } to register() to replace it)`,
      );
    }
    if (!spec || typeof spec.factory !== 'function') {
      throw new RegistryError(`${this.kind} '${name}': factory must be a function`);
    }
    if (typeof spec.description !== 'string' || spec.description.trim() === '' || /[\r\n]/.test(spec.description)) {
      throw new RegistryError(`${this.kind} '${name}': description must be a non-empty single line`);
    }
    if (spec.schema !== undefined) {
      if (!isObject(spec.schema) || (spec.schema.type !== undefined && spec.schema.type !== 'object')) {
        throw new RegistryError(`${this.kind} '${name}': schema must be a JSON schema of type 'object'`);
      }
    }
    const entry: ComponentEntry<T, A> = { ...spec, description: spec.description.trim(), name };
    const schema = this.composeSchema(entry);
    try {
      checkSchema(schema); // a broken schema should fail at registration, not at first use
    } catch (error) {
      throw new RegistryError(`${this.kind} '${name}': invalid option schema: ${(error as Error).message}`);
    }
    this.entries.set(name, entry);
    this.schemas.set(name, schema);
    return entry;
  }

  /** Removes a component (tests, plugins replacing built-ins wholesale). */
  unregister(name: string): boolean {
    this.schemas.delete(name);
    return this.entries.delete(name);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  get(name: string): ComponentEntry<T, A> {
    const entry = this.entries.get(name);
    if (!entry) throw new RegistryError(this.unknownMessage(name));
    return entry;
  }

  names(): string[] {
    return [...this.entries.keys()].sort();
  }

  list(): Array<{ name: string; description: string }> {
    return this.names().map((name) => ({ name, description: this.entries.get(name)!.description }));
  }

  /** "unknown model type 'X' (did you mean 'Y'?); registered: ..." */
  unknownMessage(name: string): string {
    const suggestion = didYouMean(name, this.names());
    return (
      `unknown ${this.kind} type '${name}'` +
      (suggestion ? ` (did you mean '${suggestion}'?)` : '') +
      `; registered ${this.name}: ${listNames(this.names())}`
    );
  }

  /** The closed schema a component's options are checked against (own + common keys). */
  optionsSchema(name: string): JsonSchema {
    this.get(name);
    return this.schemas.get(name)!;
  }

  /** Issues for `options` (a config minus `type`), paths relative to it. */
  validate(name: string, options: unknown, settings: { applyDefaults?: boolean } = {}): OptionIssue[] {
    return validateAgainst(this.optionsSchema(name), options, settings);
  }

  /**
   * Builds a component from `{type, ...options}`: validates the options
   * (filling schema defaults into a copy) and calls the factory with them and
   * `extra`.
   */
  build(config: unknown, ...extra: A): T {
    if (!isObject(config) || typeof config.type !== 'string') {
      throw new RegistryError(`cannot build a ${this.kind}: expected a mapping with a string 'type' key`);
    }
    const { type, ...rest } = config;
    this.get(type);
    const options = structuredClone(rest);
    const issues = this.validate(type, options, { applyDefaults: true });
    if (issues.length > 0) {
      const lines = issues.map(
        (i) => `  ${i.path.join('.') || '(options)'}: ${i.message}${i.suggestion ? ` (did you mean '${i.suggestion}'?)` : ''}`,
      );
      throw new RegistryError(`invalid options for ${this.kind} '${type}':\n${lines.join('\n')}`);
    }
    return this.entries.get(type)!.factory(options, ...extra);
  }

  private composeSchema(entry: ComponentEntry<T, A>): JsonSchema {
    const own = entry.schema ?? {};
    const ownProps = isObject(own.properties) ? own.properties : {};
    return closeSchema({
      ...own,
      type: 'object',
      // component keys win over common ones of the same name
      properties: { ...this.commonOptions, ...ownProps },
    });
  }
}
