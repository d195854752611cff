import { Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConsumes,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../access/decorators';
import { SamlSignIn } from './saml-sign-in.service';
import { SsoResponder } from './sso-responder';

/**
 * SAML's own routes: our service provider's metadata, and the assertion consumer service
 * where the IdP's page posts the SAMLResponse (HTTP-POST binding; its form body is let
 * through the JSON-only rule for this path alone).
 */
@ApiTags('sso')
@Controller('sso')
export class SamlController {
  constructor(
    private readonly saml: SamlSignIn,
    private readonly responder: SsoResponder,
  ) {}

  @Get('saml/:provider/metadata')
  @ApiOperation({ summary: "A SAML provider's service provider metadata (for the IdP)" })
  @ApiProduces('application/samlmetadata+xml')
  @ApiOkResponse({ description: 'SP metadata: entity id, ACS URL, signing requirements' })
  @ApiNotFoundResponse({ description: 'No enabled SAML provider with this id' })
  @Public()
  async metadata(@Param('provider') provider: string, @Res() res: Response): Promise<void> {
    await this.responder.page(res, async () => {
      const xml = await this.saml.metadata(provider);
      res.status(200).type('application/samlmetadata+xml').send(xml);
    });
  }

  @Post('callback/:provider')
  @ApiOperation({ summary: 'SAML assertion consumer service (HTTP-POST binding, SAMLResponse)' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiProduces('text/html')
  @ApiResponse({ status: 303, description: 'Signed in: redirect to the page asked for' })
  @ApiBadRequestResponse({ description: 'An HTML page saying why the assertion was refused' })
  @HttpCode(200)
  @Public()
  async assertionConsumer(
    @Param('provider') provider: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.responder.page(res, async () => {
      const form = (req.body ?? {}) as Record<string, unknown>;
      const { outcome, redirectTo } = await this.saml.complete(
        provider,
        form.SAMLResponse,
        this.responder.meta(req),
      );
      this.responder.signedIn(res, outcome, redirectTo);
    });
  }
}
