import source from '../../content/organisation.json';
import { organisationSchema } from '../lib/organisation.ts';

/** The organisation's details from content/organisation.json, validated when the server starts. */
export const organisation = organisationSchema.parse(source);
