// One palette for the page and its SVG: the same colour always means the same thing.

export const COLOURS = {
  ink: '#1f2933',
  muted: '#616e7c',
  line: '#9aa5b1',
  paper: '#ffffff',
  host: '#f5f7fa',
  hostBorder: '#7b8794',
  /** An address that a translation changed, and the translation itself. */
  translated: '#c05600',
  translatedFill: '#fff3e0',
  /** Outer headers of a tunnel (VXLAN, Geneve, …) and the pipe drawn around the inner packet. */
  tunnel: '#1769aa',
  tunnelFill: '#e3f0fb',
  /** A translation no rule explains, a contradiction, a leak. */
  unexplained: '#c62828',
  unexplainedFill: '#fdecea',
  /** Beyond the captured hosts (cloud NAT, load balancer). */
  beyond: '#6b4fa0',
  beyondFill: '#f1ecf9',
  capture: '#2f855a',
} as const;

export const FONTS = {
  sans: "system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', Arial, sans-serif",
  mono: "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace",
} as const;
