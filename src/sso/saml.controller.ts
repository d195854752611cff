import { Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
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
import { SAML_LOGOUT_FORM, SAML_RESPONSE_FORM } from './sso-form-bodies';
import { SsoResponder } from './sso-responder';

/**
 * SAML's own routes: our service provider's metadata, the assertion consumer service where
 * the IdP's page posts the SAMLResponse (HTTP-POST binding), and the single logout service
 * where the IdP answers our LogoutRequest or sends its own (HTTP-Redirect or HTTP-POST).
 * Their form bodies are let through the JSON-only rule for these paths alone.
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
  @ApiOkResponse({
    description: 'SP metadata: entity id, ACS URL, signing requirements',
    content: { 'application/samlmetadata+xml': { schema: { type: 'string' } } },
  })
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
  @ApiBody({ schema: SAML_RESPONSE_FORM })
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
      const { outcome, redirectTo } = await this.saml.complete(
        provider,
        req,
        this.responder.meta(req),
      );
      this.responder.signedIn(res, outcome, redirectTo);
    });
  }

  @Get('saml/:provider/logout/callback')
  @ApiOperation({
    summary: 'SAML single logout service (HTTP-Redirect binding: SAMLResponse or SAMLRequest)',
    description:
      "The IdP's signed LogoutResponse to our LogoutRequest (accepted once) lands the browser " +
      "on the sign-in page; the IdP's signed LogoutRequest ends the sessions of its NameID " +
      '(and SessionIndex) and is answered with a LogoutResponse.',
  })
  @ApiProduces('text/html')
  @ApiResponse({
    status: 303,
    description: 'To the sign-in page, or to the IdP with our LogoutResponse',
  })
  @ApiBadRequestResponse({ description: 'An HTML page saying why the message was refused' })
  @Public()
  async logoutRedirect(
    @Param('provider') provider: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.logout(provider, req, res);
  }

  @Post('saml/:provider/logout/callback')
  @ApiOperation({
    summary: 'SAML single logout service (HTTP-POST binding: SAMLResponse or SAMLRequest)',
    description: 'As the GET route, for a signed logout message posted by the IdP’s page.',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ schema: SAML_LOGOUT_FORM })
  @ApiProduces('text/html')
  @ApiResponse({
    status: 303,
    description: 'To the sign-in page, or to the IdP with our LogoutResponse',
  })
  @ApiBadRequestResponse({ description: 'An HTML page saying why the message was refused' })
  @HttpCode(200)
  @Public()
  async logoutPost(
    @Param('provider') provider: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.logout(provider, req, res);
  }

  private async logout(provider: string, req: Request, res: Response): Promise<void> {
    await this.responder.page(res, async () => {
      const result = await this.saml.logoutCallback(provider, req);
      res.redirect(303, result.kind === 'answer' ? result.redirect.href : '/');
    });
  }
}
