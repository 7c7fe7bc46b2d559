"""The generated tables and their columns, in load order (parents before children).

Every writer adds values in exactly this column order; every NOT NULL column is listed, as
the database has no defaults for most of them (the app's models supply them).
"""

TABLES: dict[str, tuple[str, ...]] = {
    "users": (
        "id", "email", "display_name", "password_hash", "locale", "timezone", "bio",
        "bio_html", "session_token", "is_admin", "calendar_token_hash", "last_seen_at",
        "created_at",
    ),
    "cohorts": (
        "id", "slug", "name", "description", "guide", "guide_html", "timezone", "locale",
        "rhythm_kind", "rhythm_week", "rhythm_weekday", "rhythm_starts_at", "rhythm_minutes",
        "inventory_due_days", "feedback_due_days", "first_reminder_days", "last_reminder_days",
        "feedback_reviewers", "keep_start_stop", "is_archived", "created_at",
    ),
    "invitations": (
        "id", "cohort_id", "token_hash", "email", "role", "max_uses", "use_count",
        "expires_at", "revoked_at", "created_by_id", "created_at",
    ),
    "memberships": (
        "id", "cohort_id", "user_id", "role", "status", "joined_at", "ended_at", "invitation_id",
    ),
    "membership_events": (
        "id", "cohort_id", "kind", "actor_id", "subject_id", "invitation_id", "detail",
        "created_at",
    ),
    "meetings": (
        "id", "cohort_id", "title", "starts_at", "ends_at", "place", "online_url", "agenda",
        "agenda_html", "inventory_due_at", "feedback_due_at", "status", "follows_rhythm",
        "month_on", "sequence", "created_at", "updated_at",
    ),
    "attendances": ("id", "meeting_id", "user_id", "rsvp", "attended", "updated_at"),
    "inventory_templates": ("id", "cohort_id", "sections", "created_at"),
    "inventories": (
        "id", "cohort_id", "meeting_id", "user_id", "template_id", "status", "version",
        "answers", "answers_html", "self_traits", "energy", "rating_skills",
        "rating_experience", "rating_network", "rating_money", "rating_time", "shared_at",
        "is_late", "edited_after_meeting", "created_at", "updated_at",
    ),
    "inventory_revisions": (
        "id", "inventory_id", "version", "answers", "ratings", "after_meeting", "created_at",
    ),
    "goals": ("id", "user_id", "title", "why", "target_on", "status", "created_at", "closed_at"),
    "tasks": (
        "id", "user_id", "goal_id", "inventory_id", "title", "status", "created_at", "closed_at",
    ),
    "task_reviews": ("id", "inventory_id", "task_id", "outcome"),
    "goal_progress": ("id", "inventory_id", "goal_id", "percent", "note"),
    "feedback_assignments": (
        "id", "cohort_id", "meeting_id", "inventory_id", "giver_id", "recipient_id",
        "is_manual", "created_by_id", "created_at",
    ),
    "feedback": (
        "id", "cohort_id", "meeting_id", "inventory_id", "giver_id", "recipient_id",
        "ask_answer", "ask_answer_html", "situation", "situation_html", "behaviour",
        "behaviour_html", "impact", "impact_html", "keep", "keep_html", "start", "start_html",
        "stop", "stop_html", "question", "question_html", "traits", "reply", "reply_html",
        "replied_at", "is_helpful", "is_shared", "created_at", "updated_at",
    ),
    "follows": ("id", "follower_id", "followee_id", "created_at"),
    "cheers": ("id", "user_id", "inventory_id", "milestone", "created_at"),
    "notifications": (
        "id", "user_id", "cohort_id", "kind", "data", "url", "read_at", "created_at",
    ),
    "reminder_deliveries": ("id", "user_id", "kind", "period_key", "claimed_at"),
    "outbound_emails": (
        "id", "user_id", "to_account", "cohort_id", "to_address", "kind", "subject",
        "text_body", "html_body", "headers", "message_id", "status", "attempts",
        "next_attempt_at", "last_error", "created_at", "sent_at",
    ),
}  # fmt: skip
