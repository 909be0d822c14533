import { useEffect, useState, type ReactElement } from 'react';

export interface ManifestChoice {
  readonly id: string;
  readonly name: string;
  /** `vmschkmachine` as the file detection read it. */
  readonly machine: string | undefined;
}

export interface SchemaOfferProps {
  /** The -dump-vmstate manifests loaded in the workspace. */
  readonly manifests: readonly ManifestChoice[];
  /** The stream's machine type: a manifest dumped with it is offered first. */
  readonly machineType: string | undefined;
  /** Why the stream needs one: no vmdesc at all, or only part of it. */
  readonly need: 'none' | 'partial';
  /** The manifest the stream is decoded with now, if any. */
  readonly usedId: string | undefined;
  /** The manifest's own problem (it does not parse), to say instead of decoding. */
  readonly problem: string | undefined;
  /** What the decode said it did with the manifest (the MANIFEST_SCHEMA diagnostic). */
  readonly summary: string | undefined;
  readonly onUse: (manifestId: string | undefined) => void;
}

/**
 * Offered above a stream whose vmdesc is missing or cut: a -dump-vmstate manifest loaded next to
 * it can be the schema of its device sections (migscope decode --manifest). Once used, says what
 * it decoded and lets the stream be decoded without it again.
 */
export function SchemaOffer({ manifests, machineType, need, usedId, problem, summary, onUse }: SchemaOfferProps): ReactElement | undefined {
  const preferred = manifests.find((m) => m.machine === machineType) ?? manifests[0];
  const [picked, setPicked] = useState<string | undefined>(usedId ?? preferred?.id);
  useEffect(() => {
    if (picked === undefined || !manifests.some((m) => m.id === picked)) setPicked(usedId ?? preferred?.id);
  }, [manifests, picked, preferred, usedId]);
  if (manifests.length === 0) return undefined;
  const used = manifests.find((m) => m.id === usedId);
  const lacks = need === 'none' ? 'has no vmdesc' : 'has only part of its vmdesc';
  if (used !== undefined) {
    return (
      <div className="schema-offer schema-used" role="status" data-testid="schema-offer">
        <span className="schema-offer-text">
          The manifest <span className="mono">{used.name}</span> is the schema
          {problem !== undefined ? `, but it cannot be read: ${problem}` : summary !== undefined ? `: ${summary.replace(/^the manifest \S+: /, '')}` : ''}
        </span>
        <button type="button" className="schema-offer-button" onClick={() => onUse(undefined)}>
          Decode without it
        </button>
      </div>
    );
  }
  return (
    <div className="schema-offer" role="region" aria-label="Manifest as schema" data-testid="schema-offer">
      <span className="schema-offer-text">
        This stream {lacks}: its device sections are opaque. A -dump-vmstate manifest of the build that saved it can describe them.
      </span>
      {manifests.length > 1 ? (
        <select aria-label="Manifest to decode with" value={picked} onChange={(e) => setPicked(e.target.value)}>
          {manifests.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
              {m.machine !== undefined ? ` (${m.machine})` : ''}
            </option>
          ))}
        </select>
      ) : (
        <span className="mono">{manifests[0]?.name}</span>
      )}
      <button type="button" className="schema-offer-button" disabled={picked === undefined} onClick={() => onUse(picked)}>
        Decode with the manifest
      </button>
    </div>
  );
}
