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
