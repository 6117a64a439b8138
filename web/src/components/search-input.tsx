import { Input } from 'antd';
import type { GetProps } from 'antd';

export type SearchInputProps = Omit<GetProps<typeof Input.Search>, 'value' | 'onChange' | 'onSearch'> & {
  value: string;
  onValueChange: (value: string) => void;
  /** The search to run: the trimmed text on Enter, or '' as soon as the box is cleared. */
  onCommit: (q: string) => void;
};

/** A search box that runs its search on Enter and clears the search when emptied. */
export const SearchInput = ({ value, onValueChange, onCommit, ...rest }: SearchInputProps) => (
  <Input.Search
    allowClear
    {...rest}
    value={value}
    onChange={(e) => {
      onValueChange(e.target.value);
      if (e.target.value === '') onCommit('');
    }}
    onSearch={(v) => onCommit(v.trim())}
  />
);
