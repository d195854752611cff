import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '../config/app-config';
import { oauthSecurityScheme } from '../oauth/oauth-security-scheme';
import { finishOpenApiDocument } from './finish-document';
import { operationIdOf } from './operation-ids';

/** The API's OpenAPI document, as served at /docs-json and emitted for the SDK. */
export function buildOpenApiDocument(app: INestApplication, config: AppConfig): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Agent Village API')
      .setDescription(
        'Turn natural-language goals into finished work by coordinating specialized LLM agents.',
      )
      .setVersion('1.0')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        description: 'API key, session token or OAuth access token (JWT from /oauth/token)',
      })
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
      .addOAuth2(oauthSecurityScheme(config), 'oauth2')
      .addSecurityRequirements('bearer')
      .addSecurityRequirements('api-key')
      .addSecurityRequirements('oauth2')
      .addServer(config.publicUrl)
      .build(),
    { operationIdFactory: operationIdOf },
  );
  return finishOpenApiDocument(document);
}
