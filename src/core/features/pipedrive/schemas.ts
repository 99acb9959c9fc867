import { z } from "zod";

/**
 * Pipedrive's REST shapes, validated at the edge (only the fields Keel reads; unknown ones are
 * dropped). API v2 lists page by cursor, v1 lists (notes, users) by start/limit.
 */
const id = z.number().int();
const ref = id.nullable().optional();
const time = z.string().nullable().optional();

export const v2Envelope = <T extends z.ZodType>(item: T) =>
  z.object({
    success: z.boolean(),
    data: z.array(item).nullable(),
    additional_data: z.object({ next_cursor: z.string().nullable().optional() }).nullish(),
  });

export const v1Envelope = <T extends z.ZodType>(item: T) =>
  z.object({
    success: z.boolean(),
    data: z.array(item).nullable(),
    additional_data: z
      .object({
        pagination: z
          .object({
            start: z.number().int(),
            limit: z.number().int(),
            more_items_in_collection: z.boolean(),
            next_start: z.number().int().optional(),
          })
          .optional(),
      })
      .nullish(),
  });

export const pdPipeline = z.object({
  id,
  name: z.string(),
  order_nr: z.number().int().optional().default(0),
  is_deleted: z.boolean().optional().default(false),
  update_time: time,
});

export const pdStage = z.object({
  id,
  name: z.string(),
  pipeline_id: id,
  order_nr: z.number().int().optional().default(0),
  deal_probability: z.number().nullable().optional(),
  is_deal_rot_enabled: z.boolean().nullable().optional(),
  days_to_rotten: z.number().int().nullable().optional(),
  is_deleted: z.boolean().optional().default(false),
  update_time: time,
});

export const pdDeal = z.object({
  id,
  title: z.string(),
  owner_id: ref,
  person_id: ref,
  org_id: ref,
  pipeline_id: ref,
  stage_id: ref,
  value: z.number().nullable().optional(),
  currency: z.string().nullable().optional(),
  status: z.enum(["open", "won", "lost", "deleted"]),
  is_deleted: z.boolean().optional().default(false),
  stage_change_time: time,
  expected_close_date: time,
  add_time: time,
  update_time: time,
});

const contactPoint = z.object({
  value: z.string(),
  primary: z.boolean().optional(),
  label: z.string().nullable().optional(),
});

export const pdPerson = z.object({
  id,
  name: z.string(),
  owner_id: ref,
  org_id: ref,
  emails: z.array(contactPoint).nullable().optional(),
  phones: z.array(contactPoint).nullable().optional(),
  is_deleted: z.boolean().optional().default(false),
  update_time: time,
});

export const pdOrganization = z.object({
  id,
  name: z.string(),
  owner_id: ref,
  is_deleted: z.boolean().optional().default(false),
  update_time: time,
});

export const pdActivity = z.object({
  id,
  subject: z.string().nullable().optional(),
  type: z.string().nullable().optional(),
  owner_id: ref,
  deal_id: ref,
  person_id: ref,
  org_id: ref,
  done: z.boolean().optional().default(false),
  due_date: time,
  due_time: time,
  is_deleted: z.boolean().optional().default(false),
  update_time: time,
});

export const pdNote = z.object({
  id,
  content: z.string(),
  deal_id: ref,
  person_id: ref,
  org_id: ref,
  user_id: ref,
  add_time: time,
  update_time: time,
  active_flag: z.boolean().optional().default(true),
});

export const pdUser = z.object({
  id,
  name: z.string(),
  email: z.string(),
  active_flag: z.boolean().optional().default(true),
});

export type PdPipeline = z.infer<typeof pdPipeline>;
export type PdStage = z.infer<typeof pdStage>;
export type PdDeal = z.infer<typeof pdDeal>;
export type PdPerson = z.infer<typeof pdPerson>;
export type PdOrganization = z.infer<typeof pdOrganization>;
export type PdActivity = z.infer<typeof pdActivity>;
export type PdNote = z.infer<typeof pdNote>;
export type PdUser = z.infer<typeof pdUser>;

/** Webhooks v2: `{ meta: { action, entity, entity_id, … }, data, previous }`. */
export const webhookV2 = z.object({
  meta: z.object({
    action: z.enum(["create", "change", "delete"]),
    entity: z.string(),
    entity_id: z.union([z.string(), z.number()]).transform(String),
    merged_to_id: z.union([z.string(), z.number()]).transform(String).nullable().optional(),
    version: z.string().optional(),
    timestamp: z.union([z.number(), z.string()]).optional(),
  }),
  data: z.record(z.string(), z.unknown()).nullable(),
  previous: z.record(z.string(), z.unknown()).nullable().optional(),
});

/** Webhooks v1: `{ current, previous, event: "updated.deal", meta: { action, object, id, … } }`. */
export const webhookV1 = z.object({
  event: z.string().regex(/^(added|updated|deleted|merged)\.[a-z]+$/),
  meta: z.object({
    action: z.string(),
    object: z.string(),
    id: z.union([z.string(), z.number()]).transform(String),
  }),
  current: z.record(z.string(), z.unknown()).nullable().optional(),
  previous: z.record(z.string(), z.unknown()).nullable().optional(),
});
