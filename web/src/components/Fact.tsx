import type { JSX } from 'solid-js';

/** One labelled value of a <dl class="facts">. */
export function Fact(props: { label: string; children: JSX.Element }) {
  return (
    <div>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}
