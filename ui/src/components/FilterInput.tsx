/** The search box above a list: every keystroke narrows what is shown. */
export function FilterInput({
  value,
  onChange,
  label,
  placeholder = label,
  testId = "filter-input",
}: {
  value: string;
  onChange: (value: string) => void;
  /** Read out by screen readers; also the placeholder unless one is given. */
  label: string;
  placeholder?: string;
  testId?: string;
}) {
  return (
    <input
      type="search"
      className="filter"
      value={value}
      onChange={(e) => {
        onChange(e.target.value);
      }}
      placeholder={placeholder}
      aria-label={label}
      data-testid={testId}
    />
  );
}
