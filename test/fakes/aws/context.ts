/** What every action handler gets: its parameters, its region's state, and the fake's timing. */
import type { QueryParams } from './protocol/query';
import type { XmlStruct } from './protocol/xml';
import type { AwsStore, RegionState } from './store';

export interface Timing {
  readyDelayMs(): number;
  imageDelayMs(): number;
}

export interface ActionContext {
  params: QueryParams;
  region: RegionState;
  store: AwsStore;
  timing: Timing;
  now: number;
}

/** Returns the Result element's children, or undefined for an action without output. */
export type ActionHandler = (context: ActionContext) => XmlStruct | undefined;

export type ActionTable = Record<string, ActionHandler>;
