import { IngestionFormat } from '@vigie/ingestion-contracts';
import { CsvParseOptions, parseCsvBatches } from '../csv/csv.parser';
import { JsonArrayParseOptions, parseJsonArrayBatches } from '../json/json-array.parser';
import { NdjsonParseOptions, parseNdjsonBatches } from '../json/ndjson.parser';
import { ByteSource, ParseItem } from './parse-item.types';

export type TabularParseOptions = CsvParseOptions & JsonArrayParseOptions & NdjsonParseOptions;

/** Parses a CSV, JSON or NDJSON file into batches of items (STIX has its own reader: `parseStixBundleBatches`). */
export function parseBatches(format: Exclude<IngestionFormat, 'stix'>, source: ByteSource, options: TabularParseOptions = {}): AsyncGenerator<ParseItem[]> {
  switch (format) {
    case 'csv':
      return parseCsvBatches(source, options) as AsyncGenerator<ParseItem[]>;
    case 'json':
      return parseJsonArrayBatches(source, options);
    case 'ndjson':
      return parseNdjsonBatches(source, options);
  }
}
