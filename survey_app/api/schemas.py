"""marshmallow schemas: they validate requests and describe the API in OpenAPI."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from survey_app.services.api_records import MAX_BATCH


class ProblemItemSchema(Schema):
    field = fields.String(
        required=True, metadata={"description": "Path of the field, e.g. /items/3/site"}
    )
    message = fields.String(required=True)


class ProblemSchema(Schema):
    """RFC 9457 problem details (served as application/problem+json)."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.List(fields.Nested(ProblemItemSchema))


class PageQuerySchema(Schema):
    cursor = fields.String(
        load_default="",
        validate=validate.Length(max=64),
        metadata={"description": "Opaque cursor from next_cursor"},
    )
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class BeneficiaryInSchema(Schema):
    reference = fields.String(
        required=True,
        validate=validate.Length(min=2, max=64),
        metadata={
            "description": "Your pseudonymous case reference (never a name); the key for updates"
        },
    )
    site = fields.String(
        required=True,
        validate=validate.Length(min=1, max=32),
        metadata={"description": "Site code"},
    )
    support_started_on = fields.Date(required=True)
    support_ended_on = fields.Date(load_default=None, allow_none=True)


class BeneficiaryBatchSchema(Schema):
    items = fields.List(
        fields.Nested(BeneficiaryInSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_BATCH),
    )


class BeneficiarySchema(Schema):
    id = fields.Integer(required=True)
    reference = fields.String(required=True)
    site = fields.String(required=True)
    support_started_on = fields.Date(required=True)
    support_ended_on = fields.Date(allow_none=True)
    created = fields.Boolean(metadata={"description": "True when this call created it"})


class BeneficiaryBatchResultSchema(Schema):
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    items = fields.List(fields.Nested(BeneficiarySchema), required=True)


class BeneficiaryPageSchema(Schema):
    items = fields.List(fields.Nested(BeneficiarySchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class StudySchema(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.String(required=True)
    waves = fields.List(fields.String(), required=True)
    sites = fields.List(fields.String(), required=True)


class StudyListSchema(Schema):
    items = fields.List(fields.Nested(StudySchema), required=True)


class EnrolmentInSchema(Schema):
    references = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)),
        required=True,
        validate=validate.Length(min=1, max=MAX_BATCH),
    )
    wave = fields.String(load_default="baseline", validate=validate.Length(min=1, max=32))


class InvitationSchema(Schema):
    id = fields.Integer(required=True)
    reference = fields.String(required=True)
    wave = fields.String(required=True)
    status = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(required=True)
    completed_at = fields.DateTime(allow_none=True)
    link = fields.String(
        allow_none=True, metadata={"description": "Survey link, shown only when just issued"}
    )
    card_code = fields.String(
        allow_none=True,
        metadata={"description": "Short printed-card code, shown only when just issued"},
    )


class EnrolmentResultSchema(Schema):
    items = fields.List(fields.Nested(InvitationSchema), required=True)


class InvitationQuerySchema(PageQuerySchema):
    wave = fields.String(load_default=None, validate=validate.Length(max=32))


class InvitationPageSchema(Schema):
    items = fields.List(fields.Nested(InvitationSchema), required=True)
    counts = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.Integer()),
        metadata={"description": "Per wave, the number of invitations in each status"},
    )
    next_cursor = fields.String(allow_none=True, required=True)


class IndicatorQuerySchema(Schema):
    date_from = fields.Date(data_key="from", load_default=None)
    date_to = fields.Date(data_key="to", load_default=None)
    site = fields.List(fields.String(validate=validate.Length(max=32)), load_default=list)


class AnswerRowSchema(Schema):
    response_id = fields.String(required=True)
    beneficiary_code = fields.String(allow_none=True, required=True)
    wave = fields.String(required=True)
    site = fields.String(required=True)
    completed_on = fields.Date(required=True)
    mode = fields.String(required=True)
    language = fields.String(required=True)
    answers = fields.Dict(
        keys=fields.String(), values=fields.String(allow_none=True), required=True
    )


class AnswerPageSchema(Schema):
    items = fields.List(fields.Nested(AnswerRowSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)
