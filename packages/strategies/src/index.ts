export * from './serverGroups';
export * from './plan';
export * from './highlander';
export * from './redBlack';
export * from './rollingRedBlack';
export * from './target';
export * from './rollback';
export * from './canary';
export * from './trafficGuard';
export * from './resize';
export * from './chaos';
export * from './abTest';

/** The deploy strategies Gantry carries out (`bluegreen` is another name for `redblack`); a canary is its own stage type. */
export const SUPPORTED_STRATEGIES = ['highlander', 'redblack', 'bluegreen', 'rollingredblack'] as const;
export type Strategy = (typeof SUPPORTED_STRATEGIES)[number];
