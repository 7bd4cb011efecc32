import { Context } from '@temporalio/activity';

/** The running activity's cancellation signal, so a vendor call stops with it; none outside an activity (unit tests). */
export function activitySignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}
