import { LayoutJob, LayoutProgress, runLayoutJob } from '../../lib/analysis/force-layout';

// ForceAtlas2 off the main thread: the canvas stays fluid while thousands of nodes settle.
// Bundled by Vite as a file of the console's own origin (the CSP's script-src 'self' covers it).
interface WorkerScope {
  onmessage: ((event: MessageEvent<LayoutJob>) => void) | null;
  postMessage(message: LayoutProgress, transfer: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;
let latest = 0;

scope.onmessage = (event: MessageEvent<LayoutJob>) => {
  const job = event.data;
  latest = job.job;
  runLayoutJob(
    job,
    (progress: LayoutProgress) => scope.postMessage(progress, [progress.positions.buffer]),
    (step) => setTimeout(step, 0),
    () => latest === job.job,
  );
};
