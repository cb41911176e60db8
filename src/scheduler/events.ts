import type { Logger } from '../types.js';
import type { SchedulerEvents } from './types.js';

/** A listener of one scheduler event. */
export type Listener<E extends keyof SchedulerEvents> = (payload: SchedulerEvents[E]) => void;

/** A tiny typed emitter; a throwing listener is logged and never breaks the scheduler. */
export function createEmitter(logger: Logger) {
  const listeners = new Map<keyof SchedulerEvents, Set<Listener<never>>>();
  return {
    on<E extends keyof SchedulerEvents>(event: E, listener: Listener<E>): () => void {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      set.add(listener as Listener<never>);
      return () => {
        set.delete(listener as Listener<never>);
      };
    },
    emit<E extends keyof SchedulerEvents>(event: E, payload: SchedulerEvents[E]): void {
      const set = listeners.get(event);
      if (!set) return;
      for (const listener of set) {
        try {
          (listener as Listener<E>)(payload);
        } catch (error) {
          logger.error({ event, err: error }, 'scheduler event listener threw');
        }
      }
    },
  };
}

/** The emitter type. */
export type Emitter = ReturnType<typeof createEmitter>;
