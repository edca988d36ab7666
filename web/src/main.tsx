import { render } from 'solid-js/web';

render(() => <h1>Vigil</h1>, document.getElementById('app')!);
