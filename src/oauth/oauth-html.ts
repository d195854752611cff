/** Escapes text for HTML content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The stylesheet the sign-in pages link to (served at /oauth/ui.css; no inline styles). */
export const OAUTH_STYLESHEET = `body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;padding:40px 16px;color:#1f2328}
main{max-width:380px;margin:0 auto;background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.15);padding:24px 28px}
h1{font-size:1.3em;margin:0 0 16px}label{display:block;margin:12px 0 4px;font-size:.9em}
input[type=text],input[type=email],input[type=password]{width:100%;box-sizing:border-box;padding:8px;font-size:1em;border:1px solid #c9ccd1;border-radius:4px}
button{margin-top:16px;width:100%;padding:9px;font-size:1em;border:0;border-radius:4px;background:#2f6fec;color:#fff;cursor:pointer}
button.secondary{background:#e6e8eb;color:#1f2328}.error{color:#b42318}ul.scopes{padding-left:20px}code{font-size:1.4em}`;

/** A complete page: no scripts, styles from the stylesheet only, so the strict CSP holds. */
export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Agent Village</title><link rel="stylesheet" href="/oauth/ui.css"></head>
<body><main><h1>${escapeHtml(title)}</h1>
${body}
</main></body></html>`;
}
