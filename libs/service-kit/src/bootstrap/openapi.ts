import { applyDecorators, INestApplication } from '@nestjs/common';
import { ApiResponse, DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { writeFileSync } from 'node:fs';
import { ProblemDto } from '../errors/problem.dto.js';

export interface ApiDocsOptions {
  title: string;
  description: string;
  version?: string;
  /** where Swagger UI is served; the JSON is at `<path>-json` */
  paths?: string[];
}

const problemContent = {
  'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } },
};

/** Documents an error answer of one endpoint as problem+json. */
export const ApiProblem = (status: number, description: string) =>
  applyDecorators(ApiResponse({ status, description, content: problemContent }));

export function buildOpenApiDocument(app: INestApplication, options: ApiDocsOptions): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(options.title)
    .setDescription(options.description)
    .setVersion(options.version ?? '1.0.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .addGlobalResponse(
      { status: 400, description: 'Malformed or invalid input; `errors` names each field', content: problemContent },
      {
        status: 413,
        description: 'The body is larger than BODY_LIMIT_BYTES (PAYLOAD_TOO_LARGE)',
        content: problemContent,
      },
      { status: 500, description: 'Unexpected error (no internals are disclosed)', content: problemContent },
    )
    .build();
  return SwaggerModule.createDocument(app, config, { extraModels: [ProblemDto] });
}

export function setupApiDocs(app: INestApplication, options: ApiDocsOptions): OpenAPIObject {
  const document = buildOpenApiDocument(app, options);
  for (const path of options.paths ?? ['api/docs']) {
    SwaggerModule.setup(path, app, document, { jsonDocumentUrl: `${path}-json` });
  }
  return document;
}

/** Stable text for the committed `<service>/openapi.json`. */
export function serializeOpenApi(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function writeOpenApi(document: OpenAPIObject, file: string): void {
  writeFileSync(file, serializeOpenApi(document));
}
