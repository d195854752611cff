import { useEffect, useRef } from 'react';
import { fmtNum } from '../../components/format';

export interface Point {
  t: string;
  value: number;
}

/** A small line chart on a canvas, in the theme's colours (redrawn on theme or size change). */
export function LineChart({
  label,
  points,
  color = '--accent',
  max,
  format,
}: {
  label: string;
  points: Point[];
  color?: string;
  max?: number;
  format?: (max: number) => string;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const draw = () => drawChart(canvas, points, { color, max, format });
    draw();
    const observer = new MutationObserver(draw);
    observer.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['data-theme'],
    });
    window.addEventListener('resize', draw);
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', draw);
    };
  }, [points, color, max, format]);
  const last = points.at(-1);
  return (
    <figure>
      <figcaption>{label}</figcaption>
      <canvas
        ref={ref}
        width={360}
        height={140}
        role="img"
        aria-label={`${label}: ${points.length} hourly points, latest ${last ? last.value : 'none'}`}
      />
    </figure>
  );
}

function drawChart(
  canvas: HTMLCanvasElement,
  points: Point[],
  options: { color: string; max?: number; format?: (max: number) => string },
): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const ratio = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || 360;
  const h = canvas.clientHeight || 140;
  canvas.width = w * ratio;
  canvas.height = h * ratio;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const css = getComputedStyle(document.documentElement);
  const fg = css.getPropertyValue('--muted').trim();
  const accent = css.getPropertyValue(options.color).trim();
  const max = options.max ?? Math.max(1, ...points.map((p) => p.value));
  const pad = 24;
  const left = 36;
  ctx.strokeStyle = fg;
  ctx.globalAlpha = 0.3;
  ctx.beginPath();
  ctx.moveTo(left, pad / 2);
  ctx.lineTo(left, h - pad);
  ctx.lineTo(w - 6, h - pad);
  ctx.stroke();
  ctx.globalAlpha = 1;
  ctx.fillStyle = fg;
  ctx.font = '10px system-ui';
  ctx.fillText(options.format ? options.format(max) : fmtNum(Math.round(max)), 2, pad / 2 + 8);
  ctx.fillText('0', 2, h - pad);
  if (!points.length) return;
  ctx.fillText(points[0].t.slice(11, 16), left, h - 8);
  ctx.fillText(points[points.length - 1].t.slice(11, 16), w - 36, h - 8);
  const step = (w - left - 8) / Math.max(1, points.length - 1);
  ctx.strokeStyle = accent;
  ctx.lineWidth = 2;
  ctx.beginPath();
  points.forEach((p, i) => {
    const x = left + i * step;
    const y = h - pad - (max ? (p.value / max) * (h - pad * 1.5) : 0);
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  });
  ctx.stroke();
}
