"""Shop documents: what a shop says about itself besides its items.

One row per document ("shop": currency, locale and name; "vocabulary": the shop's own words for
its kinds, features and product lines; "answers": returns, shipping, hours...), as JSON, written
by ``import-shop`` in the same transaction as the catalog and bumping the catalog version, so
every action-server replica rebuilds from the same shop.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-08
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: Union[str, None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "shop_documents",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_shop_documents"),
    )


def downgrade() -> None:
    op.drop_table("shop_documents")
