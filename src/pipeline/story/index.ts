/** The story stage: titles, subtitles and "why" sentences for memories, in every language of LANGUAGES. */
export { titleMemory } from './titles';
export { whySentence } from './why';
export { countPhrase, kindLabel, placeName, themeName } from './words';
