export * from './serverGroups';
export * from './highlander';
export * from './target';
export * from './rollback';

/** The deploy strategies Gantry carries out; the rest of Spinnaker's (redblack, rollingredblack, canary) come later. */
export const SUPPORTED_STRATEGIES = ['highlander'] as const;
export type Strategy = (typeof SUPPORTED_STRATEGIES)[number];
