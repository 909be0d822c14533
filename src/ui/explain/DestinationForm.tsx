import type { ReactElement } from 'react';
import { formatQemuVersion, parseQemuVersion } from '../../analysis/explain/index.ts';
import { CommitInput } from '../matrix/CommitInput.tsx';
import type { FileKind } from '../workspace/detect-file.ts';
import { useWorkspaceState } from '../workspace/workspace-context.ts';
import { filesOfKind } from '../workspace/workspace-store.ts';
import { setExplainInputs, useExplainInputs, type ExplainInputs } from './explain-inputs.ts';
import type { DestinationFiles } from './use-explanation.ts';

export interface DestinationFormProps {
  /** What the explanation used (auto choices resolved); undefined while it is computed. */
  readonly used: DestinationFiles | undefined;
  readonly hasLog: boolean;
}

interface FileField {
  readonly key: 'manifest' | 'machines' | 'cmdline';
  readonly kind: FileKind;
  readonly label: string;
  readonly hint: string;
}

const FILE_FIELDS: readonly FileField[] = [
  { key: 'manifest', kind: 'vmstate-manifest', label: 'Manifest', hint: "the destination binary's -dump-vmstate output" },
  { key: 'machines', kind: 'query-machines', label: 'Machine list', hint: "the destination binary's query-machines reply: which machine types it has, its release" },
  { key: 'cmdline', kind: 'command-line', label: 'Command line', hint: "the destination's QEMU command line: its -machine and where devices land" },
];

/** What is known of the destination: files of the workspace to use, and two typed values. */
export function DestinationForm({ used, hasLog }: DestinationFormProps): ReactElement {
  const state = useWorkspaceState();
  const inputs = useExplainInputs();
  return (
    <form className="explain-form" aria-label="The destination" onSubmit={(e) => e.preventDefault()}>
      <h2>Destination</h2>
      <p className="muted explain-form-note">
        {hasLog ? "The load log says what happened; these add why. Pick the destination's files among those loaded." : 'Without a load log the verdict is predicted from these. The more you give, the less is assumed.'}
      </p>
      {FILE_FIELDS.map((field) => {
        const files = filesOfKind(state, field.kind);
        const choice = inputs[field.key];
        const usedFile = used?.[field.key];
        const autoText = usedFile !== undefined ? `auto: ${usedFile.file.name}` : files.length === 0 ? 'none loaded' : 'auto: none';
        return (
          <label key={field.key} className="explain-field" title={field.hint}>
            <span className="explain-field-label">{field.label}</span>
            <select
              value={choice === 'auto' || choice === 'none' || files.some((f) => f.id === choice) ? choice : 'auto'}
              onChange={(e) => setExplainInputs({ [field.key]: e.target.value } as Partial<ExplainInputs>)}
              disabled={files.length === 0}
            >
              <option value="auto">{autoText}</option>
              <option value="none">none</option>
              {files.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.file.name}
                </option>
              ))}
            </select>
          </label>
        );
      })}
      <label className="explain-field" title="The destination's -machine, when no command line says it (wins over it)">
        <span className="explain-field-label">-machine</span>
        <CommitInput value={inputs.machine} placeholder={used?.cmdline !== undefined ? 'from the command line' : 'e.g. pc-i440fx-7.2'} onCommit={(machine) => setExplainInputs({ machine })} />
      </label>
      <label className="explain-field" title={used?.versionFrom !== undefined ? `Now from ${used.versionFrom}` : "The destination's release: it changes the wording of QEMU's messages"}>
        <span className="explain-field-label">QEMU release</span>
        <CommitInput
          value={inputs.version}
          placeholder={used?.version !== undefined ? formatQemuVersion(used.version) : 'e.g. 7.2'}
          valid={(t) => t.trim() === '' || parseQemuVersion(t) !== undefined}
          onCommit={(version) => setExplainInputs({ version })}
        />
      </label>
    </form>
  );
}
