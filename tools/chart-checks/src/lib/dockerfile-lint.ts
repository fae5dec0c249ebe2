/**
 * Static checks of the image Dockerfile (no container engine is needed): base images pinned by a
 * tag other than latest or by a digest, multi-stage, a numeric non-root user in the final stage,
 * exec-form entrypoint, no shell step in the distroless runtime stage, no remote ADD.
 */

export interface Instruction {
  line: number;
  keyword: string;
  args: string;
}

/** Instructions of a Dockerfile, continuation lines joined, comments dropped. */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!;
    if (/^\s*(#|$)/.test(line)) continue;
    while (line.trimEnd().endsWith('\\') && i + 1 < lines.length) {
      line = line.trimEnd().slice(0, -1) + ' ' + lines[++i]!.trim();
    }
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (m) out.push({ line: start + 1, keyword: m[1]!.toUpperCase(), args: m[2]!.trim() });
  }
  return out;
}

/** Replaces ${NAME} and $NAME with the ARG defaults declared before the first FROM. */
function substitute(text: string, args: Record<string, string>): string {
  return text.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (whole, name: string) => args[name] ?? whole);
}

export function imageReferenceProblem(ref: string): string | undefined {
  if (/@sha256:[a-f0-9]{64}$/.test(ref)) return undefined;
  const last = ref.split('/').pop() ?? '';
  if (!last.includes(':')) return `${ref} has no tag`;
  const tag = last.split(':').pop()!;
  if (tag === 'latest') return `${ref} uses the latest tag`;
  if (/^\d+$/.test(tag)) return `${ref} is pinned only to a major version`;
  return undefined;
}

export function dockerfileViolations(text: string): string[] {
  const v: string[] = [];
  const instructions = parseDockerfile(text);
  const globalArgs: Record<string, string> = {};
  const stages: { from: Instruction; body: Instruction[]; alias?: string }[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const alias = /\s+AS\s+(\S+)$/i.exec(ins.args)?.[1];
      stages.push({ from: ins, body: [], alias });
    } else if (stages.length === 0) {
      if (ins.keyword === 'ARG') {
        const [name, value] = ins.args.split('=');
        if (value !== undefined) globalArgs[name!.trim()] = value.trim();
      }
    } else {
      stages[stages.length - 1]!.body.push(ins);
    }
  }
  if (stages.length < 2) v.push('not a multi-stage build (build and runtime stages expected)');
  const aliases = new Set(stages.map((s) => s.alias).filter(Boolean));
  for (const stage of stages) {
    const image = substitute(stage.from.args.replace(/\s+AS\s+\S+$/i, '').replace(/^--platform=\S+\s+/, ''), globalArgs);
    if (aliases.has(image)) continue;
    if (image.includes('$')) v.push(`line ${stage.from.line}: base image ${image} depends on an ARG without a default`);
    const problem = imageReferenceProblem(image);
    if (problem) v.push(`line ${stage.from.line}: ${problem}`);
  }
  const final = stages[stages.length - 1];
  if (final) {
    const users = final.body.filter((i) => i.keyword === 'USER');
    const user = users[users.length - 1];
    if (!user) v.push('final stage: no USER (the image would run as root)');
    else if (!/^\d+(:\d+)?$/.test(user.args)) v.push(`line ${user.line}: USER ${user.args} is not numeric (runAsNonRoot needs a UID)`);
    else if (/^0(:|$)/.test(user.args)) v.push(`line ${user.line}: USER 0 is root`);
    for (const run of final.body.filter((i) => i.keyword === 'RUN')) {
      v.push(`line ${run.line}: RUN in the runtime stage (a distroless runtime has no shell)`);
    }
    const entry = final.body.filter((i) => i.keyword === 'ENTRYPOINT').pop();
    if (!entry) v.push('final stage: no ENTRYPOINT');
    else if (!entry.args.startsWith('[')) v.push(`line ${entry.line}: ENTRYPOINT must use the exec (JSON) form`);
    for (const copy of final.body.filter((i) => i.keyword === 'COPY' && /--chown=/.test(i.args))) {
      if (!/--chown=\d+:\d+/.test(copy.args)) v.push(`line ${copy.line}: --chown must be numeric`);
    }
  }
  for (const ins of instructions.filter((i) => i.keyword === 'ADD')) {
    if (/https?:\/\//.test(ins.args)) v.push(`line ${ins.line}: ADD from a URL (fetch nothing at build time outside the registries)`);
  }
  return v;
}
