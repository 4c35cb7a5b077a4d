export default function Home() { return <main>Grok2API</main>; }
