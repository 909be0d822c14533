import type { ReactElement } from 'react';
import { formatQemuVersion, parseQemuVersion } from '../../analysis/explain/index.ts';
import { CommitInput } from '../matrix/CommitInput.tsx';
import type { FileKind } from '../workspace/detect-file.ts';
import { useWorkspaceState } from '../workspace/workspace-context.ts';
import { activeFile, filesOfKind, type WorkspaceFile } from '../workspace/workspace-store.ts';
import { setExplainInputs, useExplainInputs, type ExplainInputs, type FileChoice } from './explain-inputs.ts';
import { sampleCandidates, type DestinationFiles } from './use-explanation.ts';
import { UI_INPUT } from './ui-terms.ts';

export interface DestinationFormProps {
  /** What the explanation used (auto choices resolved); undefined while it is computed. */
  readonly used: DestinationFiles | undefined;
  readonly hasLog: boolean;
}

interface FileField {
  readonly key: 'manifest' | 'machines' | 'cmdline' | 'deviceProps';
  readonly kind: FileKind;
  readonly label: string;
  readonly hint: string;
}

const FILE_FIELDS: readonly FileField[] = [
  { key: 'manifest', kind: 'vmstate-manifest', label: UI_INPUT['--dest-manifest'].field, hint: "the destination binary's -dump-vmstate output" },
  { key: 'machines', kind: 'query-machines', label: UI_INPUT['--dest-machines'].field, hint: "the destination binary's query-machines reply: which machine types it has, its release" },
  { key: 'cmdline', kind: 'command-line', label: UI_INPUT['--dest-cmdline'].field, hint: "the destination's QEMU command line: its -machine and where devices land" },
  {
    key: 'deviceProps',
    kind: 'device-properties',
    label: UI_INPUT['--dest-device-help'].field,
    hint: "the destination build's -device NAME,help output: the defaults of its device properties (queue sizes...), when they are not Debian's",
  },
];

/** What is known of the destination: files of the workspace to use, and two typed values. */
export function DestinationForm({ used, hasLog }: DestinationFormProps): ReactElement {
  const state = useWorkspaceState();
  const inputs = useExplainInputs();
  const samples = sampleCandidates(state.files, activeFile(state, 'stream'));
  return (
    <form className="explain-form" aria-label="The destination" onSubmit={(e) => e.preventDefault()}>
      <h2>Destination</h2>
      <p className="muted explain-form-note">
        {hasLog ? "The load log says what happened; these add why. Pick the destination's files among those loaded." : 'Without a load log the verdict is predicted from these. The more you give, the less is assumed.'}
      </p>
      {FILE_FIELDS.map((field) => {
        const files = filesOfKind(state, field.kind);
        const usedFile = used?.[field.key];
        const autoText = usedFile !== undefined ? `auto: ${usedFile.file.name}` : files.length === 0 ? 'none loaded' : 'auto: none';
        return (
          <FileSelect
            key={field.key}
            label={field.label}
            hint={field.hint}
            testId={`explain-input-${field.key}`}
            choice={inputs[field.key]}
            files={files}
            first={{ value: 'auto', text: autoText }}
            onChange={(value) => setExplainInputs({ [field.key]: value } as Partial<ExplainInputs>)}
          />
        );
      })}
      <label className="explain-field" title="The destination's -machine, when no command line says it (wins over it)">
        <span className="explain-field-label">{UI_INPUT['--dest-machine'].field}</span>
        <CommitInput value={inputs.machine} placeholder={used?.cmdline !== undefined ? 'from the command line' : 'e.g. pc-i440fx-7.2'} onCommit={(machine) => setExplainInputs({ machine })} testId="explain-input-machine" />
      </label>
      <label className="explain-field" title={used?.versionFrom !== undefined ? `Now from ${used.versionFrom}` : "The destination's release: which load checks it makes, and the wording of QEMU's messages"}>
        <span className="explain-field-label">{UI_INPUT['--dest-version'].field}</span>
        <CommitInput
          value={inputs.version}
          placeholder={used?.version !== undefined ? formatQemuVersion(used.version) : 'e.g. 7.2'}
          valid={(t) => t.trim() === '' || parseQemuVersion(t) !== undefined}
          onCommit={(version) => setExplainInputs({ version })}
          testId="explain-input-version"
        />
      </label>
      <FileSelect
        label={UI_INPUT['--dest-sample'].field}
        hint="A stream the destination's QEMU build saved with the same configuration (machine type, -cpu, devices): its queue sizes, register lists and RAM block sizes are facts about the destination"
        note="a stream the destination's build saved with the same configuration"
        testId="explain-input-sample"
        choice={inputs.sample}
        files={samples}
        first={{ value: 'none', text: samples.length === 0 ? 'no other stream loaded' : 'none' }}
        onChange={(sample) => setExplainInputs({ sample })}
      />
    </form>
  );
}

interface FileSelectProps {
  readonly label: string;
  readonly hint: string;
  /** A visible line under the label, for a choice whose name alone does not say enough. */
  readonly note?: string;
  readonly testId: string;
  readonly choice: FileChoice;
  readonly files: readonly WorkspaceFile[];
  /** The default option: `auto` (the view decides) or `none`. */
  readonly first: { readonly value: 'auto' | 'none'; readonly text: string };
  readonly onChange: (choice: FileChoice) => void;
}

/** One of the workspace's files (by id), or the default; a choice whose file is gone shows the default. */
function FileSelect({ label, hint, note, testId, choice, files, first, onChange }: FileSelectProps): ReactElement {
  const known = choice === 'auto' || choice === 'none' || files.some((f) => f.id === choice);
  return (
    <label className="explain-field" title={hint}>
      <span className="explain-field-label">{label}</span>
      {note !== undefined ? <span className="explain-field-note muted">{note}</span> : undefined}
      <select value={known ? choice : first.value} onChange={(e) => onChange(e.target.value)} disabled={files.length === 0} data-testid={testId}>
        <option value={first.value}>{first.text}</option>
        {first.value === 'auto' ? <option value="none">none</option> : undefined}
        {files.map((f) => (
          <option key={f.id} value={f.id}>
            {f.file.name}
          </option>
        ))}
      </select>
    </label>
  );
}
