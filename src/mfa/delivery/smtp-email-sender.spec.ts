import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { freePort } from '#testing/app-process';
import type { CodeMessage } from './code-delivery';
import { SmtpEmailSender } from './smtp-email-sender';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

async function startSmtpServer(options: Partial<SMTPServerOptions> = {}): Promise<{
  url: string;
  received: Received[];
  rcptAttempts: () => number;
  stop: () => Promise<void>;
}> {
  const received: Received[] = [];
  let rcpt = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, session, callback) {
      rcpt++;
      if (options.onRcptTo) options.onRcptTo(address, session, callback);
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    rcptAttempts: () => rcpt,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The text part of a received mail, quoted-printable undone. */
function bodyText(raw: string): string {
  const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  return body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const message: CodeMessage = {
  to: 'ada@example.com',
  code: '042917',
  purpose: 'login',
  ttlMinutes: 10,
};

describe('SMTP email sender', () => {
  it('mails the code with its validity and reports the message id', async () => {
    const smtp = await startSmtpServer();
    try {
      const sender = new SmtpEmailSender({
        url: smtp.url,
        from: 'Agent Village <no-reply@village.test>',
      });
      expect(sender.channel).toBe('email');
      const result = await sender.send(message);
      expect(result.status).toBe('sent');
      expect(result.providerMessageId).toMatch(/^<.+@.+>$/);
      expect(smtp.received).toHaveLength(1);
      const [mail] = smtp.received;
      expect(mail.from).toBe('no-reply@village.test');
      expect(mail.to).toEqual(['ada@example.com']);
      expect(mail.raw).toMatch(/^Subject: Your Agent Village verification code\r?$/m);
      expect(/verification code is (\d{6})\./.exec(bodyText(mail.raw))?.[1]).toBe('042917');
      expect(bodyText(mail.raw)).toContain('It expires in 10 minutes.');
    } finally {
      await smtp.stop();
    }
  });

  it('says what the code is for', async () => {
    const smtp = await startSmtpServer();
    try {
      const sender = new SmtpEmailSender({ url: smtp.url, from: 'no-reply@village.test' });
      await sender.send({ ...message, purpose: 'elevate' });
      expect(bodyText(smtp.received[0].raw)).toContain('to confirm a sensitive action');
    } finally {
      await smtp.stop();
    }
  });

  it('gives up after one retry when the server keeps deferring, without leaking the code', async () => {
    const smtp = await startSmtpServer({
      onRcptTo: (_address, _session, callback) =>
        callback(Object.assign(new Error('Try again later'), { responseCode: 451 })),
    });
    try {
      const sender = new SmtpEmailSender({ url: smtp.url, from: 'no-reply@village.test' });
      const result = await sender.send(message);
      expect(result.status).toBe('failed');
      expect(result.error).toMatch(/451/);
      expect(result.error).not.toContain(message.code);
      expect(smtp.rcptAttempts()).toBe(2);
    } finally {
      await smtp.stop();
    }
  });

  it('does not retry a permanent refusal', async () => {
    const smtp = await startSmtpServer({
      onRcptTo: (_address, _session, callback) =>
        callback(Object.assign(new Error('No such user'), { responseCode: 550 })),
    });
    try {
      const sender = new SmtpEmailSender({ url: smtp.url, from: 'no-reply@village.test' });
      const result = await sender.send(message);
      expect(result.status).toBe('failed');
      expect(result.error).toMatch(/550/);
      expect(smtp.rcptAttempts()).toBe(1);
    } finally {
      await smtp.stop();
    }
  });

  it('reports an unreachable server as failed instead of throwing', async () => {
    const port = await freePort();
    const sender = new SmtpEmailSender({
      url: `smtp://127.0.0.1:${port}`,
      from: 'no-reply@village.test',
      timeoutMs: 2_000,
    });
    const result = await sender.send(message);
    expect(result.status).toBe('failed');
    expect(result.error).toBeTruthy();
    expect(result.error).not.toContain(message.code);
  });
});
