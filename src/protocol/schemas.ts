import { z } from "zod";

/** Any JSON object (payloads, acceptance criteria). */
export const JsonObjectSchema = z.record(z.string(), z.unknown());
