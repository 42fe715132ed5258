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

/** The same roles for a dark page (`prefers-color-scheme: dark`): contrast kept, meanings unchanged. */
export const DARK_COLOURS: Record<keyof typeof COLOURS, string> = {
  ink: '#e4e7eb',
  muted: '#a0aab4',
  line: '#7b8794',
  paper: '#1c2128',
  host: '#262c34',
  hostBorder: '#8a96a3',
  translated: '#ffa040',
  translatedFill: '#3a2a17',
  tunnel: '#6cb6ff',
  tunnelFill: '#16283a',
  unexplained: '#ff7b72',
  unexplainedFill: '#3d1d1d',
  beyond: '#c3a6ff',
  beyondFill: '#2a2140',
  capture: '#56d364',
};

/** Page background, borders and rules, which have no meaning of their own. */
export const SURFACES = {
  light: { page: '#eef1f4', border: '#d9dee3', rule: '#e4e7eb', chipBorder: '#cbd2d9' },
  dark: { page: '#111418', border: '#38414b', rule: '#2d343c', chipBorder: '#4a5561' },
} as const;

export const FONTS = {
  sans: "system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', Arial, sans-serif",
  mono: "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace",
} as const;
