import { css } from 'lit';

/**
 * The palette, on the app's host and inherited by every view (custom properties cross shadow
 * roots). `light-dark()` picks by color-scheme, which the `theme` attribute sets: one palette, two
 * modes. Every text colour meets 4.5:1 on the surfaces it is used on, in both modes.
 */
export const tokens = css`
  :host {
    --c-bg: light-dark(#f4f6fa, #0d1219);
    --c-surface: light-dark(#ffffff, #151c27);
    --c-surface-2: light-dark(#f1f3f7, #1c2533);
    --c-fg: light-dark(#111827, #e8ecf2);
    --c-muted: light-dark(#4b5563, #a9b3c1);
    --c-border: light-dark(#d5dbe4, #334155);
    --c-field-border: light-dark(#767f8c, #7c8797);
    --c-accent: light-dark(#1d4ed8, #8fb0ff);
    --c-accent-hover: light-dark(#1e40af, #b4caff);
    --c-on-accent: light-dark(#ffffff, #0b1020);
    --c-accent-soft: light-dark(#e8efff, #1d2a48);
    --c-danger: light-dark(#b91c1c, #fca5a5);
    --c-danger-bg: light-dark(#fdecec, #3b1414);
    --c-ok: light-dark(#047857, #6ee7b7);
    --c-ok-bg: light-dark(#e7f7f0, #0f2e24);
    --c-warn: light-dark(#8a4b00, #fcd9a0);
    --c-warn-bg: light-dark(#fff5e0, #3a2a05);
    --c-code: light-dark(#1f2937, #dbe3ee);
    --c-code-bg: light-dark(#f3f5f9, #0b1018);
    --radius: 10px;
    --font: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    --mono: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
  }
`;
