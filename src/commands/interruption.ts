/**
 * Ctrl-C (or SIGTERM) during a command that draws on the terminal and holds nothing that must be
 * finished: `putBack` gives the terminal back (a bar shows the cursor and wraps lines again), one
 * line says what was interrupted and what remains, and the process ends with 130, as a shell
 * expects of an interrupted command. Returns a function that stops listening.
 */
export const exitOnInterrupt = (
  whatRemains: () => string,
  putBack: () => void = () => undefined,
): (() => void) => {
  const interrupted = () => {
    putBack();
    process.stderr.write(`payrec: ${whatRemains()}\n`);
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  return () => {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  };
};

/**
 * Ctrl-C (or SIGTERM) during a command that must stop at a safe point (between two pages, after
 * removing what it half made): `signal` aborts, and the command says what remains and returns 130.
 * `stopListening` when it ends.
 */
export const interruptionSignal = (): Readonly<{
  signal: AbortSignal;
  stopListening: () => void;
}> => {
  const controller = new AbortController();
  const interrupt = () => {
    controller.abort();
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  return {
    signal: controller.signal,
    stopListening: () => {
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', interrupt);
    },
  };
};
