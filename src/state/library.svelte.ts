/**
 * The app's library state (Svelte 5 runes). Big arrays are `$state.raw` and replaced whole, never
 * mutated item by item, so 100,000 photos cost one reactive signal, not 100,000.
 */
import type { AnalysisRecord, BookRecord, FaceRecord, FileOutcome, ImportJob, KeepsakeDatabase, MemoryRecord, PersonRecord, PhotoRecord, SignalRecord, SignalType, TfBackend } from '../db/schema';
import { MEMORY_SETTINGS_KEY, readMemorySettings, type MemorySettings } from '../cluster/memories-run';
import type { Language } from '../pipeline/memories/types';
import { applyFavourite, favouritesOf } from '../pipeline/memories/profile';
import { peopleByPhoto as peopleOfPhotos } from '../pipeline/people/summary';
import { readMemories } from '../db/memories';
import { listBooks, makeBookFromMemory, makeBookFromSelection, saveBook, sourcePhotos, type BookContext, type MadeBook } from '../db/books';
import type { BookPhoto } from '../pipeline/book/model';
import { BookExport, type ExportProgress } from '../bridge/exporter';
import { mergePeople, moveFace, notThisPerson, renamePerson, setPersonHidden } from '../db/people';
import { ClusterRunner, type ClusterProgress } from '../bridge/clusterer';
import { EVENTS_STATE_KEY, EVENTS_VERSION, type EventsState } from '../cluster/events-run';
import type { SimilarGroup } from '../pipeline/analyse/similar';
import { AnalysisRunner, type AnalysisProgress } from '../bridge/analyser';
import { SIMILAR_GROUPS_KEY, type StoredSimilarGroups } from '../vision/group-library';
import { canReadAll, requestReadAll } from '../bridge/pick';
import { openKeepsakeDB, poolOf } from '../db/schema';
import { saveFailedMessage } from '../db/storage-full';
import { Tabs, type Changed, type Request } from '../bridge/tabs';
import { ImportRunner, unfinishedJobs, type ImportProgress, type ImportSource } from '../bridge/importer';
import { WorkerPool, createImportWorker, poolSizeFor } from '../bridge/pool';
import type { ImportWorkerApi } from '../../workers/import.worker';
import { sortNewestFirst, type TimelinePhoto } from '../pipeline/library/timeline';
import { AnalysisSummaryMap, filterLibrary, indexDates, indexPlaces, PHOTO_KINDS, positionsIn, positionsOfSet, type AnalysisSummaries, type AnalysisSummary, type DateFilter, type KindFilter, type TimelineColumns } from '../pipeline/library/filters';
import { readerWorker } from '../bridge/reader';
import { unanalysedPhotos } from '../db/analyses';
import { stageVersions, versionKey } from '../vision/versions';
import { IdList, IdMap, IdSet } from '../pipeline/library/id-map';
import { StringPool, shareEvent, shareGroup, shareMemory, sharePerson } from '../pipeline/library/string-pool';
import type { EventOnTheWire, LibraryEvent } from '../pipeline/library/library-event';
import { libraryEventsAfter } from '../db/events';

export interface LibraryPhoto extends TimelinePhoto {
  width: number;
  height: number;
}

export type { AnalysisSummary };
export type LibraryFilter = KindFilter;

export interface StorageInfo {
  usage: number;
  quota: number;
  persisted: boolean;
}

const LOAD_CHUNK = 2000;
const EVENT_CHUNK = 1000;
/** Photos or analysis summaries the page takes in between two yields to it. */
const SUMMARY_SLICE = 20_000;

export class Library {
  photos = $state.raw<LibraryPhoto[]>([]);
  loaded = $state(false);
  progress = $state.raw<ImportProgress | null>(null);
  /** Outcomes of the current (or last) import, in arrival order. */
  outcomes = $state.raw<FileOutcome[]>([]);
  storage = $state.raw<StorageInfo | null>(null);
  error = $state<string | null>(null);
  /** The browser's reason ('' when it gave none) when it threw the stored library away as damaged on open, else null. */
  storageLost = $state<string | null>(null);
  /** An unfinished import that needs the person's permission (a click) to read their files again. */
  interrupted = $state.raw<{ job: ImportJob; remaining: number } | null>(null);
  /** Wall time of the last finished import, for the report. */
  lastImportMs = 0;
  analysis = $state.raw<AnalysisProgress | null>(null);
  /** Analysis summaries by photo id (replaced whole on every batch). */
  analyses = $state.raw<AnalysisSummaryMap>(new AnalysisSummaryMap());
  similarGroups = $state.raw<SimilarGroup[]>([]);
  filter = $state<LibraryFilter>('all');
  /** Show only photos taken at this place (a key of `places`), or anywhere. */
  placeFilter = $state<string | null>(null);
  /** Show only photos of this year (or month), or of any time. */
  dateFilter = $state.raw<DateFilter | null>(null);
  /** The places events were named after, by country, with their photos (the place picker's index). */
  places = $derived.by(() => indexPlaces(this.events));
  /** Years and months with photos (the date picker's index). */
  dates = $derived(indexDates(this.photos));
  /** Photos in a similar group. */
  grouped = $derived(new IdSet(this.similarGroups.flatMap((group) => group.photoIds)));
  /** The photos the grid shows under the current filters, newest first (the library itself when none is set). */
  visible = $derived.by(() =>
    filterLibrary(this.photos, { kind: this.filter, people: this.personFilter, place: this.placeFilter, date: this.dateFilter }, {
      analyses: () => this.analyses,
      grouped: () => this.grouped,
      photosOf: (id) => this.#personPhotos.get(id) ?? new IdList([]),
      places: () => this.places,
      positionOf: () => this.#positions,
    }),
  );
  /** Each photo's position in the library's list (filters look small sets up in it): made when first read, once the page is idle after the open. */
  #positions = $derived(positionsIn(this.photos));
  /** Photo id → its similar group and whether it is the group's pick. */
  similarOf = $derived.by(() => {
    const map = new IdMap<{ group: SimilarGroup; best: boolean }>();
    for (const group of this.similarGroups) for (const id of group.photoIds) map.set(id, { group, best: group.best === id });
    return map;
  });
  /** Wall time of the last finished analysis run, for the report. */
  lastAnalyseMs = 0;
  /** People (merged ones left out), most photographed first. */
  people = $state.raw<PersonRecord[]>([]);
  /** Events and trips, oldest first. */
  events = $state.raw<LibraryEvent[]>([]);
  clustering = $state.raw<ClusterProgress | null>(null);
  /** Show only photos with all of these people (one person, or a pair). */
  personFilter = $state.raw<string[]>([]);
  /** Photo id → the people in it. */
  peopleByPhoto = $derived(peopleOfPhotos(this.people));
  /** Each person's photos by person id, as filters take them (their positions worked out while the page is idle: #indexWhenIdle). */
  #personPhotos = $derived(new Map(this.people.map((person) => [person.id, new IdList(person.photoIds)])));
  #indexing = false;
  /** Memories, best first. */
  memories = $state.raw<MemoryRecord[]>([]);
  /** Photos the person favourited. */
  favourites = $state.raw<ReadonlySet<string>>(new Set());
  memorySettings = $state.raw<MemorySettings>({ language: 'en', hiddenRanges: [] });
  /** Books the person made, most recently changed first. */
  books = $state.raw<BookRecord[]>([]);
  /** The export running now (or the last one's outcome). */
  exporting = $state.raw<{ bookId: string; progress: ExportProgress | null; error?: string; done?: boolean } | null>(null);
  /** Photo id → its event. */
  eventOf = $derived.by(() => new IdMap(this.events.flatMap((event) => event.photoIds.map((id) => [id, event] as const))));

  #db!: KeepsakeDatabase;
  #pool = new WorkerPool<ImportWorkerApi>(createImportWorker, poolSizeFor());
  #stager = new WorkerPool<ImportWorkerApi>(createImportWorker, 1);
  #runner: ImportRunner | null = null;
  #known = new IdSet();
  /** One copy of each photo id and place name across the records this page reads. */
  readonly #strings = new StringPool();
  /** Resolves once this tab has asked for the cluster work of its open (when it leads). */
  #opening: Promise<void> = Promise.resolve();
  #analyser: AnalysisRunner | null = null;
  #clusterer = new ClusterRunner({
    progress: (progress) => (this.clustering = progress),
    people: () => this.#changed({ kind: 'people' }),
    events: () => this.#changed({ kind: 'events' }),
    memories: () => this.#changed({ kind: 'memories' }),
  });
  /** Other tabs of Keepsake (src/bridge/tabs.ts): made in `init`, where the page has a browser. */
  #tabs!: Tabs;
  /** Another tab leads: it analyses and groups; this one shows the library and asks it for work. */
  elsewhere = $state(false);

  get db(): KeepsakeDatabase {
    return this.#db;
  }

  get importing(): boolean {
    return this.progress?.phase === 'queueing' || this.progress?.phase === 'importing';
  }

  #autoAnalyse = true;

  /**
   * `backend` forces a TF.js backend (tests and `?backend=`); otherwise the worker picks one.
   * `autoAnalyse: false` (`?analyse=0`, import benchmarks) leaves analysis to an explicit call.
   */
  async init(options: { backend?: TfBackend; autoAnalyse?: boolean } = {}): Promise<void> {
    this.#autoAnalyse = options.autoAnalyse ?? true;
    this.#db = await openKeepsakeDB(undefined, () => {
      this.error = 'A newer version of Keepsake was opened in another tab. Reload this tab to keep working.';
    }, (browserMessage) => (this.storageLost = browserMessage));
    await Promise.all([this.#loadPhotos(), this.#loadAnalyses(), this.#loadPeople(), this.#loadEvents(), this.#loadMemories(), this.#loadFavourites(), this.#loadBooks()]);
    this.memorySettings = await readMemorySettings(this.#db, navigator.languages);
    this.loaded = true;
    this.#indexWhenIdle();
    void this.refreshStorage();
    this.#analyser = new AnalysisRunner(this.#db, this.#analysisListener(), options.backend);
    this.#tabs = new Tabs({ changed: (change) => void this.#reload(change), requested: (request) => this.#requested(request) });
    // Set before anything can ask (this task, right after `loaded`): leading comes after a lock.
    let opened!: () => void;
    this.#opening = new Promise<void>((resolve) => (opened = resolve));
    const leading = await this.#tabs.lead(() => {
      this.elsewhere = false;
      void this.#startWork();
    });
    this.elsewhere = !leading;
    if (leading) await this.#startWork(opened);
    else opened();
  }

  /** The leader's work on taking over: bring groups up to date, resume an unfinished import, analyse. */
  async #startWork(clusterAsked = (): void => undefined): Promise<void> {
    void this.#clusterOnOpen().finally(clusterAsked);
    const [job] = await unfinishedJobs(this.#db);
    if (!job) return this.analyseLibrary();
    if (job.roots && !(await canReadAll(job.roots))) {
      await this.#askAgain(job);
      return this.analyseLibrary();
    }
    await this.#resume(job);
  }

  /** Continue the interrupted import after asking for read access again (call from a click). */
  async resumeInterrupted(): Promise<void> {
    const interrupted = this.interrupted;
    if (!interrupted) return;
    if (!(await requestReadAll(interrupted.job.roots ?? []))) {
      this.error = 'Keepsake needs permission to read the folder to finish the import. Choose “Resume” again and allow it, or discard the rest.';
      return;
    }
    this.interrupted = null;
    await this.#resume(interrupted.job);
  }

  async discardInterrupted(): Promise<void> {
    const interrupted = this.interrupted;
    if (!interrupted) return;
    this.interrupted = null;
    await ImportRunner.discard(this.#db, interrupted.job);
  }

  async #resume(job: ImportJob): Promise<void> {
    this.outcomes = [];
    this.#runner = await ImportRunner.resume(this.#db, this.#pool, this.#stager, this.#listener(), job);
    this.progress = { ...this.#runner.progress };
  }

  async importSources(sources: ImportSource[]): Promise<void> {
    if (!sources.length) return;
    if (this.importing) {
      this.error = 'An import is already running. Wait for it to finish (or cancel it) before adding more.';
      return;
    }
    this.error = null;
    void requestPersistence();
    this.outcomes = [];
    try {
      this.#runner = await ImportRunner.start(this.#db, this.#pool, this.#stager, this.#listener(), sources);
    } catch (error) {
      // Not even the import job could be stored (storage full): nothing was started.
      this.error = saveFailedMessage(error, `the ${sources.length === 1 ? 'photo' : `${sources.length} photos`} you chose`);
      return;
    }
    this.progress = { ...this.#runner.progress };
  }

  cancelImport(): void {
    this.#runner?.cancel();
  }

  /** Analyse every photo without a current analysis (newest first). Waits while an import runs: they would compete for the same cores. */
  async analyseLibrary(explicit = false): Promise<void> {
    if (!this.#tabs.leading) return this.#tabs.ask({ kind: 'analyse' });
    if (this.importing || !this.#analyser || (!explicit && !this.#autoAnalyse)) return;
    await this.#analyser.enqueue(await this.#unanalysedInOrder());
    this.analysis = { ...this.#analyser.progress };
  }

  /** Photos without a current analysis: newest first as the grid shows them, then any stored but not yet in the grid. */
  async #unanalysedInOrder(): Promise<string[]> {
    const pending = new IdSet(await this.#unanalysed());
    const ordered: string[] = [];
    for (const photo of this.photos) if (pending.delete(photo.id)) ordered.push(photo.id);
    return [...ordered, ...pending];
  }

  /** Read in the reader worker: the page would otherwise take in every photo's key twice (src/db/analyses.ts). */
  async #unanalysed(): Promise<string[]> {
    const versions = versionKey(stageVersions());
    try {
      return await readerWorker().unanalysed(versions);
    } catch {
      // No worker (or it failed): read here.
      return unanalysedPhotos(this.#db, versions);
    }
  }

  pauseAnalysis = (): Promise<void> | undefined => this.#analyser?.pause();
  resumeAnalysis = async (): Promise<void> => {
    this.#autoAnalyse = true;
    await this.#analyser?.resume(await this.#unanalysedInOrder());
  };
  stopAnalysis = (): Promise<void> | undefined => this.#analyser?.stop();
  /** Live TF.js tensors per vision worker, and after each round of repeated analysis (leak test). */
  tensors = (): Promise<number[]> => this.#analyser?.tensors() ?? Promise.resolve([]);
  stressAnalysis = (ids: string[], rounds: number): Promise<number[]> => this.#analyser?.stress(ids, rounds) ?? Promise.resolve([]);

  /** Resolves when the cluster worker has nothing asked or running, the open's own work included. */
  clusterSettled = async (): Promise<void> => {
    await this.#opening;
    await this.#clusterer.settled();
  };
  /** Re-cluster every face from scratch (corrections still hold). */
  regroupPeople = (): void => this.#cluster('regroup');

  renamePerson = (id: string, name: string) => this.#correct(renamePerson(this.#db, id, name));
  mergePeople = (from: string, into: string) => this.#correct(mergePeople(this.#db, from, into));
  notThisPerson = (faceId: string) => this.#correct(notThisPerson(this.#db, faceId));
  moveFace = (faceId: string, to: string) => this.#correct(moveFace(this.#db, faceId, to));
  setPersonHidden = (id: string, hidden: boolean) => this.#correct(setPersonHidden(this.#db, id, hidden));

  async #correct(change: Promise<void>): Promise<void> {
    try {
      await change;
    } catch (error) {
      this.error = saveFailedMessage(error, 'that change');
    }
    this.#changed({ kind: 'people' });
    this.#cluster('memories');
  }

  /**
   * Record what the person did (DESIGN.md §6) and let memories learn from it. The log is the
   * truth: favourites, titles and photos removed from or added to memories are all replayed from it.
   */
  async signal(type: SignalType, target: SignalRecord['target'], value?: unknown): Promise<void> {
    try {
      await this.#db.add('signals', { at: Date.now(), type, target, ...(value === undefined ? {} : { value }) });
    } catch (error) {
      this.error = saveFailedMessage(error, 'that');
      return;
    }
    if (type === 'favourite' || type === 'unfavourite') {
      const next = new Set(this.favourites);
      applyFavourite(next, { at: Date.now(), type, target });
      this.favourites = next;
      this.#tabs.announce({ kind: 'signals' });
    }
    // Looking at a memory says a little; re-ranking for it would only reshuffle the list under the person.
    if (type !== 'open' && type !== 'dwellMs') this.#cluster('memories');
  }

  /** Append signals recorded elsewhere (the CLI's --signals), in their order, then learn from them. */
  async replaySignals(signals: SignalRecord[]): Promise<void> {
    const tx = this.#db.transaction('signals', 'readwrite');
    for (const signal of signals) void tx.store.add(signal);
    await tx.done;
    this.#changed({ kind: 'signals' });
    this.#cluster('memories');
  }

  /** Every photo a memory could draw from. */
  async memoryPool(memoryId: string): Promise<string[]> {
    return poolOf(await this.#db.get('memoryPools', memoryId));
  }

  /** Lay out a book from a memory and keep it. */
  async makeBook(memoryId: string, formatId: string, labId: string): Promise<MadeBook | null> {
    const memory = this.memories.find((m) => m.id === memoryId) ?? (await readMemories(this.#db)).find((m) => m.id === memoryId);
    if (!memory) {
      this.error = 'That memory is gone: Keepsake re-ranked your memories. Choose it again.';
      return null;
    }
    return this.#keepBook(makeBookFromMemory(this.#db, memory, formatId, labId, this.memorySettings.language, this.#bookContext()));
  }

  /** Lay out a book of chosen photos and keep it. */
  makeBookOf = (photoIds: string[], title: string, formatId: string, labId: string): Promise<MadeBook | null> =>
    this.#keepBook(makeBookFromSelection(this.#db, photoIds, title, formatId, labId, this.memorySettings.language, this.#bookContext()));

  #bookContext = (): BookContext => ({ favourites: this.favourites, eventOf: (id) => this.eventOf.get(id) });

  async #keepBook(making: Promise<MadeBook>): Promise<MadeBook | null> {
    try {
      const made = await making;
      this.#changed({ kind: 'books' });
      return made;
    } catch (error) {
      this.error = saveFailedMessage(error, 'the new book');
      return null;
    }
  }

  /** What the book editor needs of some photos: display size, faces, quality, favourite. */
  bookPhotos = (ids: string[]): Promise<Map<string, BookPhoto>> => sourcePhotos(this.#db, ids, this.#bookContext());

  /** Save an edited book at once (autosave); its new `updatedAt`, or null when it could not be saved. */
  async saveBook(book: BookRecord): Promise<number | null> {
    let saved: BookRecord | null = null;
    try {
      saved = await saveBook(this.#db, book);
    } catch (error) {
      this.error = saveFailedMessage(error, 'your change to the book');
    }
    this.#changed({ kind: 'books' });
    return saved?.updatedAt ?? null;
  }

  #export: BookExport | null = null;

  /** The book's print PDF (and its cover apart, for labs that want one), made in a worker page by page; null when it failed or was cancelled (see `exporting`). */
  async exportBook(bookId: string): Promise<{ pdf: Blob; cover: Blob | null } | null> {
    if (this.#export) return null;
    const run = (this.#export = new BookExport());
    this.exporting = { bookId, progress: null };
    try {
      const files = await run.run(bookId, (progress) => (this.exporting = { bookId, progress }));
      this.exporting = { bookId, progress: this.exporting?.progress ?? null, done: true };
      const memoryId = this.books.find((book) => book.id === bookId)?.memoryId;
      if (memoryId) void this.signal('print', { memoryId });
      return files;
    } catch (error) {
      const cancelled = (error as Error).name === 'AbortError' || /cancelled/.test((error as Error).message);
      this.exporting = { bookId, progress: null, error: cancelled ? 'The export was cancelled.' : `The PDF could not be made: ${(error as Error).message}` };
      return null;
    } finally {
      this.#export = null;
    }
  }

  cancelExport = (): void => this.#export?.cancel();

  toggleFavourite = (photoId: string): Promise<void> => this.signal(this.favourites.has(photoId) ? 'unfavourite' : 'favourite', { photoId });

  async saveMemorySettings(change: Partial<MemorySettings>): Promise<void> {
    const next = { ...this.memorySettings, ...change };
    try {
      await this.#db.put('meta', { key: MEMORY_SETTINGS_KEY, value: next });
    } catch (error) {
      this.error = saveFailedMessage(error, 'that setting');
      return;
    }
    this.memorySettings = next;
    this.#tabs.announce({ kind: 'settings' });
    this.#cluster('memories');
  }

  setLanguage = (language: Language): Promise<void> => this.saveMemorySettings({ language });

  /** The faces of a person (with their photos' ids), for the People screen. */
  async facesOf(personId: string): Promise<FaceRecord[]> {
    return this.#db.getAllFromIndex('faces', 'byPerson', personId);
  }

  async analysisOf(id: string): Promise<AnalysisRecord | undefined> {
    return this.#db.get('analyses', id);
  }

  async photo(id: string): Promise<PhotoRecord | undefined> {
    return this.#db.get('photos', id);
  }

  async refreshStorage(): Promise<void> {
    const estimate = await navigator.storage?.estimate?.();
    const persisted = (await navigator.storage?.persisted?.()) ?? false;
    if (estimate) this.storage = { usage: estimate.usage ?? 0, quota: estimate.quota ?? 0, persisted };
  }

  #listener() {
    return {
      progress: (progress: ImportProgress) => {
        this.progress = progress;
        if (progress.permissionLost) void this.#db.get('jobs', progress.jobId).then((job) => job && this.#askAgain(job));
        if (progress.phase === 'done' || progress.phase === 'cancelled') {
          this.lastImportMs = Date.now() - progress.startedAt;
          void this.refreshStorage();
          // Outcomes reach the page with this last progress: let their photos join the library first.
          setTimeout(() => {
            this.#cluster('events');
            void this.analyseLibrary();
          }, 0);
        }
      },
      outcomes: (outcomes: FileOutcome[]) => {
        this.outcomes = [...this.outcomes, ...outcomes];
        const ids = outcomes.flatMap((o) => (o.status === 'imported' && o.photoId ? [o.photoId] : []));
        void this.#addPhotos(ids);
        if (ids.length) this.#tabs.announce({ kind: 'photos', ids });
      },
    };
  }

  /** The folder may not be read without asking: offer Resume (which asks again) or Discard. */
  async #askAgain(job: ImportJob): Promise<void> {
    const remaining = await this.#db.countFromIndex('queue', 'byJobState', [job.id, 'pending']);
    this.interrupted = { job, remaining };
  }

  #analysisListener() {
    return {
      progress: (progress: AnalysisProgress) => {
        this.analysis = progress;
        if (progress.phase === 'done' && progress.startedAt) this.lastAnalyseMs = Date.now() - progress.startedAt;
      },
      analysed: (ids: string[]) => this.#changed({ kind: 'analyses', ids }),
      grouped: () => {
        void this.#loadSimilarGroups();
        this.#cluster('people');
      },
    };
  }

  /** Summaries of the given analyses (or all of them), merged into the map in one replacement. */
  async #loadAnalyses(ids?: string[]): Promise<void> {
    const summaries = await this.#analysisSummaries(ids);
    const next = new AnalysisSummaryMap(this.analyses);
    for (let i = 0; i < summaries.ids.length; i++) {
      next.setRow(this.#strings.share(summaries.ids[i]!), summaries, i);
      // A whole library's summaries go into the map a slice at a time, the page drawing in between.
      if (i % SUMMARY_SLICE === SUMMARY_SLICE - 1) await yieldToPage();
    }
    this.analyses = next;
    if (!ids) await this.#loadSimilarGroups();
  }

  /**
   * The analyses' summaries, read in the reader worker: a full analysis (faces, labels, appearance
   * descriptor) costs the page's thread far more to read than the three numbers the grid needs.
   */
  async #analysisSummaries(ids?: string[]): Promise<AnalysisSummaries> {
    try {
      return await readerWorker().analysisSummaries(ids);
    } catch {
      // No worker (or it failed): read here.
      const tx = this.#db.transaction('analyses');
      const records = (ids ? await Promise.all(ids.map((id) => tx.store.get(id))) : await tx.store.getAll()).filter((record) => record !== undefined);
      return {
        ids: records.map((record) => record.photoId),
        kinds: Uint8Array.from(records, (record) => Math.max(0, PHOTO_KINDS.indexOf(record.kind.kind))),
        quality: Float32Array.from(records, (record) => record.quality.score),
        faces: Uint16Array.from(records, (record) => record.faces.length),
      };
    }
  }

  async #loadPeople(): Promise<void> {
    const people = (await this.#db.getAll('people')).filter((person) => !person.mergedInto).map((person) => sharePerson(person, this.#strings));
    this.people = people.sort((a, b) => b.photoIds.length - a.photoIds.length || b.faceCount - a.faceCount || a.id.localeCompare(b.id, undefined, { numeric: true }));
    const known = new Set(people.map((person) => person.id));
    if (this.personFilter.some((id) => !known.has(id))) this.personFilter = this.personFilter.filter((id) => known.has(id));
    if (this.loaded) this.#indexWhenIdle();
  }

  /**
   * While the page is idle, work out what filters look up, so that the first filter need not: the
   * photos' positions (100,000 take tens of ms), then each person's photos' positions, most
   * photographed first (a person in 18,000 photos took 12–17 ms of the first person filter after a
   * scroll), then each place's. The photos' positions are made within 10 s even if the page is
   * never idle; a list waits for an idle stretch long enough for it (about 1 µs a photo), so a
   * scroll's frames are not held up.
   */
  #indexWhenIdle(): void {
    if (this.#indexing || !('requestIdleCallback' in window)) return;
    this.#indexing = true;
    const work = (deadline: IdleDeadline): void => {
      const positions = this.#positions;
      for (const list of [...this.#personPhotos.values(), ...this.places.photos.values()]) {
        if (!(list instanceof IdList) || list.positions?.of === positions) continue;
        if (deadline.timeRemaining() < Math.min(40, 1 + list.size / 1000)) {
          requestIdleCallback(work);
          return;
        }
        positionsOfSet(list, positions);
      }
      this.#indexing = false;
    };
    requestIdleCallback(work, { timeout: 10_000 });
  }

  async #loadBooks(): Promise<void> {
    this.books = await listBooks(this.#db);
  }

  /** Memories in rank order (a page of ranks per request, db/memories.ts). */
  async #loadMemories(): Promise<void> {
    this.memories = (await readMemories(this.#db)).map((memory) => shareMemory(memory, this.#strings));
  }

  /** Favourites replayed from the log, in the order they happened (as ranking replays it). */
  async #loadFavourites(): Promise<void> {
    this.favourites = favouritesOf(await this.#db.getAll('signals'));
  }

  async #loadEvents(): Promise<void> {
    // A big library has thousands of events, each with its photos and places: read in chunks.
    const events: LibraryEvent[] = [];
    for (let after: string | null = null; ; ) {
      const chunk = await this.#eventsAfter(after);
      for (const event of chunk) events.push(shareEvent(event, this.#strings));
      if (chunk.length < EVENT_CHUNK) break;
      after = chunk[chunk.length - 1]!.id;
      await yieldToPage();
    }
    this.events = events.sort((a, b) => a.start.localeCompare(b.start));
    if (this.loaded) this.#indexWhenIdle();
    // Events were made again: a place no event is named after any more shows nothing.
    if (this.placeFilter && !this.places.photos.has(this.placeFilter)) this.placeFilter = null;
  }

  /** A chunk of events after the event `after`, read in the reader worker (library-event.ts says why). */
  async #eventsAfter(after: string | null): Promise<EventOnTheWire[]> {
    try {
      return await readerWorker().events(after, EVENT_CHUNK);
    } catch {
      // No worker (or it failed): read here.
      return libraryEventsAfter(this.#db, after, EVENT_CHUNK);
    }
  }

  /** Events are recomputed when the library changed since they were made; faces not yet clustered are placed. */
  /** Ask for people, events or memories to be brought up to date: here when this tab leads, else by the leader. */
  #cluster(task: 'people' | 'events' | 'memories' | 'regroup'): void {
    if (this.#tabs.leading) this.#clusterer.request(task);
    else this.#tabs.ask({ kind: 'cluster', task });
  }

  /** Something changed here: show it, and tell the other tabs. */
  #changed(change: Changed): void {
    void this.#reload(change);
    this.#tabs.announce(change);
  }

  /** Show what changed (here or in another tab). */
  async #reload(change: Changed): Promise<void> {
    switch (change.kind) {
      case 'photos':
        await this.#addPhotos(change.ids);
        if (this.#tabs.leading) this.#cluster('events');
        return this.analyseLibrary();
      case 'analyses':
        return this.#loadAnalyses(change.ids);
      case 'people':
        return this.#loadPeople();
      case 'events':
        return this.#loadEvents();
      case 'memories':
        return this.#loadMemories();
      case 'books':
        return this.#loadBooks();
      case 'signals':
        return this.#loadFavourites();
      case 'settings':
        this.memorySettings = await readMemorySettings(this.#db, navigator.languages);
    }
  }

  /** Work another tab asked this one (the leader) for. */
  #requested(request: Request): void {
    if (request.kind === 'analyse') void this.analyseLibrary();
    else this.#cluster(request.task);
  }

  async #clusterOnOpen(): Promise<void> {
    const state = (await this.#db.get('meta', EVENTS_STATE_KEY))?.value as EventsState | undefined;
    if (!state || state.version !== EVENTS_VERSION || state.photoCount !== this.photos.length) this.#cluster('events');
    this.#cluster('people');
  }

  async #loadSimilarGroups(): Promise<void> {
    const stored = (await this.#db.get('meta', SIMILAR_GROUPS_KEY))?.value as StoredSimilarGroups | undefined;
    this.similarGroups = (stored?.groups ?? []).map((group) => shareGroup(group, this.#strings));
  }

  /**
   * The whole library for the timeline: read, and sorted newest first, in the reader worker, so the
   * page's thread only makes the grid's small objects (a slice at a time, drawing in between).
   */
  async #loadPhotos(): Promise<void> {
    let columns: TimelineColumns;
    try {
      columns = await readerWorker().timeline();
    } catch {
      return this.#loadPhotosHere();
    }
    const all: LibraryPhoto[] = new Array(columns.ids.length);
    for (let i = 0; i < all.length; i++) {
      all[i] = { id: this.#strings.share(columns.ids[i]!), t: columns.t[i]!, width: columns.width[i]!, height: columns.height[i]! };
      this.#known.add(all[i]!.id);
      if (i % SUMMARY_SLICE === SUMMARY_SLICE - 1) await yieldToPage();
    }
    this.photos = all;
  }

  /** Without the worker: read the library in chunks by primary key so no single task holds the page for long. */
  async #loadPhotosHere(): Promise<void> {
    const all: LibraryPhoto[] = [];
    let after: string | null = null;
    for (;;) {
      const range: IDBKeyRange | null = after === null ? null : IDBKeyRange.lowerBound(after, true);
      const chunk: PhotoRecord[] = await this.#db.getAll('photos', range, LOAD_CHUNK);
      for (const photo of chunk) all.push(toLibraryPhoto(photo, this.#strings));
      if (chunk.length < LOAD_CHUNK) break;
      after = chunk[chunk.length - 1]!.id;
      await yieldToPage();
    }
    for (const photo of all) this.#known.add(photo.id);
    this.photos = sortNewestFirst(all);
  }

  async #addPhotos(ids: string[]): Promise<void> {
    const fresh = ids.filter((id) => !this.#known.has(id));
    if (!fresh.length) return;
    for (const id of fresh) this.#known.add(id);
    const tx = this.#db.transaction('photos');
    const records = await Promise.all(fresh.map((id) => tx.store.get(id)));
    const added = records.flatMap((record) => (record ? [toLibraryPhoto(record, this.#strings)] : []));
    this.photos = mergeNewestFirst(this.photos, sortNewestFirst(added));
  }
}

function toLibraryPhoto(photo: PhotoRecord, strings: StringPool): LibraryPhoto {
  return { id: strings.share(photo.id), t: photo.localSortMs, width: photo.width, height: photo.height };
}

/** Merge two newest-first lists in O(n) (the library can be large, the batch small). */
function mergeNewestFirst(a: LibraryPhoto[], b: LibraryPhoto[]): LibraryPhoto[] {
  const out: LibraryPhoto[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]!.t >= b[j]!.t ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

async function requestPersistence(): Promise<void> {
  if (navigator.storage?.persist && !(await navigator.storage.persisted())) await navigator.storage.persist();
}

const yieldToPage = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
