// The OpenAPI document as the fuzzer reads it: operations, and which methods a path lacks.

export type Schema = Record<string, unknown>;

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  description?: string;
  required?: boolean;
  schema?: Schema;
  example?: unknown;
}

export interface MediaObject {
  schema?: Schema;
}

export interface ResponseObject {
  content?: Record<string, MediaObject>;
}

export interface OperationObject {
  parameters?: ParameterObject[];
  requestBody?: { required?: boolean; content?: Record<string, MediaObject> };
  responses: Record<string, ResponseObject>;
  security?: Record<string, string[]>[];
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, Schema> };
}

export interface Operation {
  method: string;
  path: string;
  id: string;
  spec: OperationObject;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Every operation of the document, except the paths `skip` matches (test-only routes). */
export function operationsOf(doc: OpenApiDocument, skip: RegExp): Operation[] {
  return Object.entries(doc.paths)
    .filter(([path]) => !skip.test(path))
    .flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => ({
        method: method.toUpperCase(),
        path,
        id: `${method.toUpperCase()} ${path}`,
        spec: item[method],
      })),
    );
}

/** Methods a path does not declare: the "method swap" requests. */
export function undeclaredMethods(doc: OpenApiDocument, path: string): string[] {
  return METHODS.filter((method) => !doc.paths[path][method]).map((m) => m.toUpperCase());
}

/** Whether another documented operation answers `method` on this concrete path. */
export function documentedElsewhere(
  doc: OpenApiDocument,
  method: string,
  concrete: string,
): boolean {
  return Object.entries(doc.paths).some(([template, operations]) => {
    if (!operations[method.toLowerCase() as (typeof METHODS)[number]]) return false;
    const pattern = template
      .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
      .replace(/\\?\{[^}]+\\?\}/g, '[^/]+');
    return new RegExp(`^${pattern}$`).test(concrete);
  });
}

const COMPONENTS = '#/components/schemas/';

export function resolveRef(schema: Schema, doc: OpenApiDocument): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  return doc.components.schemas[ref.slice(COMPONENTS.length)];
}
