"""Initial schema: items, users, channel_links, interactions.

Revision ID: 0001
Revises:
Create Date: 2025-11-23
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: Union[str, None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Frozen copy of recommender.catalog.EVENT_TYPES at this revision: a later change to the
# event list needs its own migration.
EVENT_TYPES = ("view", "click", "like", "dislike", "add_to_cart", "purchase", "rating")


def upgrade() -> None:
    op.create_table(
        "items",
        sa.Column("id", sa.String(128), nullable=False),
        sa.Column("title", sa.String(512), nullable=False),
        sa.Column("category", sa.String(128), nullable=False),
        sa.Column("brand", sa.String(128), nullable=False),
        sa.Column("price", sa.Numeric(12, 2, asdecimal=False), nullable=False),
        sa.Column("currency", sa.String(3), server_default="USD", nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("in_stock", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("image_url", sa.String(1024), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_items"),
    )
    op.create_index("ix_items_category", "items", ["category"])
    op.create_index("ix_items_brand", "items", ["brand"])

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("external_id", name="uq_users_external_id"),
    )

    op.create_table(
        "channel_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_channel_links_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_channel_links"),
        sa.UniqueConstraint("channel", "sender_id", name="uq_channel_links_channel_sender_id"),
    )
    op.create_index("ix_channel_links_user_id", "channel_links", ["user_id"])

    op.create_table(
        "interactions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(128), nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(64), server_default="chat", nullable=False),
        sa.CheckConstraint(
            "event IN (" + ", ".join(f"'{e}'" for e in EVENT_TYPES) + ")",
            name="ck_interactions_event_type",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_interactions_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name="fk_interactions_item_id_items", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_interactions"),
    )
    op.create_index("ix_interactions_user_id_timestamp", "interactions", ["user_id", "timestamp"])


def downgrade() -> None:
    op.drop_index("ix_interactions_user_id_timestamp", table_name="interactions")
    op.drop_table("interactions")
    op.drop_index("ix_channel_links_user_id", table_name="channel_links")
    op.drop_table("channel_links")
    op.drop_table("users")
    op.drop_index("ix_items_brand", table_name="items")
    op.drop_index("ix_items_category", table_name="items")
    op.drop_table("items")
