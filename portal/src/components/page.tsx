import { useEffect, type ReactNode } from 'react';
import { useSession } from '../auth/session-context';

/**
 * A page's frame: its heading and optional actions. The document title is the page's and
 * the product's (the product's alone on the start page), so history entries read well.
 */
export function Page({
  title,
  actions,
  children,
  testId,
  home = false,
}: {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
  testId?: string;
  home?: boolean;
}) {
  const product = useSession().config.title;
  useEffect(() => {
    document.title = home ? product : `${title} · ${product}`;
  }, [title, product, home]);
  return (
    <section className="page" data-testid={testId} aria-labelledby="page-heading">
      <div className="row page-head">
        <h2 id="page-heading" tabIndex={-1}>
          {title}
        </h2>
        <div className="spacer" />
        {actions}
      </div>
      {children}
    </section>
  );
}
