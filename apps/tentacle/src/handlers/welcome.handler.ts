import type { DownstreamHandler, SessionContext } from './handler-context';

/** The reply to hello is consumed by the session itself; a later welcome updates the settings. */
export function welcomeHandler(context: SessionContext): DownstreamHandler<'welcome'> {
  return (welcome) => {
    context.onWelcome(welcome);
  };
}
