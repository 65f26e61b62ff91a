/**
 * A lab's view switch (segmented tabs). A spec that locks the view leaves only the current tab enabled; one that hides
 * it leaves the switch out of the page.
 */
export function ViewTabs<V extends string>({
  label,
  views,
  value,
  onChange,
  control,
}: {
  label: string;
  views: readonly { id: V; title: string }[];
  value: V;
  onChange(view: V): void;
  control: { locked: boolean; hidden: boolean };
}) {
  if (control.hidden) return null;
  return (
    <div className="segmented" role="tablist" aria-label={label}>
      {views.map(({ id, title }) => (
        <button
          key={id}
          type="button"
          role="tab"
          aria-selected={value === id}
          className={value === id ? 'active' : ''}
          disabled={control.locked && value !== id}
          onClick={() => onChange(id)}
        >
          {title}
        </button>
      ))}
    </div>
  );
}
