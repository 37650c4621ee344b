import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { BRAIN_VERSION } from './core/brain-version';

/** The /api/v2 document, generated from the controllers (and committed as apps/brain/openapi.json). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Octopod brain API')
    .setDescription(
      "Native REST API of the Octopod brain. Authenticate with an admin client certificate from the brain's CA or " +
        '`Authorization: Bearer <API token>` (from `POST /api/v2/auth/login`); `x-workgroup-path` narrows the ' +
        'caller to a group at or below its own. Every response carries `x-correlation-id`. Errors are ' +
        '`{statusCode, code, message}` with a stable `code`.',
    )
    .setVersion(BRAIN_VERSION)
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controller, method) => method,
  });
}

export function serveOpenApi(app: INestApplication, document: OpenAPIObject): void {
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
