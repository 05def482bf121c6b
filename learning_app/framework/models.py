"""The skills framework: versions, domains, skills, level descriptors and targets."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learning_app.accounts.constants import Band
from learning_app.core.models import TimestampMixin
from learning_app.extensions import db

BAND_VALUES = ", ".join(f"'{b.value}'" for b in Band)

LEVEL_NAMES = {
    1: "Not yet competent",
    2: "Developing",
    3: "Competent",
    4: "Confident, can coach others",
}


class VersionStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class FrameworkVersion(TimestampMixin, db.Model):
    __tablename__ = "framework_versions"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published', 'retired')", name="status_known"),
        # Only one version is published at a time.
        Index(
            "uq_framework_versions_one_published",
            "status",
            unique=True,
            sqlite_where=text("status = 'published'"),
            postgresql_where=text("status = 'published'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(10), default=VersionStatus.DRAFT)
    notes: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("framework_versions.id"))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    domains: Mapped[list[Domain]] = relationship(
        back_populates="version", order_by="Domain.position", cascade="all, delete-orphan"
    )
    skills: Mapped[list[Skill]] = relationship(
        back_populates="version",
        order_by="Skill.position",
        cascade="all, delete-orphan",
        overlaps="domain,skills",
    )

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT


class Domain(db.Model):
    __tablename__ = "domains"
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("framework_versions.id"), index=True)
    code: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer)

    version: Mapped[FrameworkVersion] = relationship(back_populates="domains")
    skills: Mapped[list[Skill]] = relationship(
        back_populates="domain", order_by="Skill.position", overlaps="skills,version"
    )


class Skill(db.Model):
    __tablename__ = "skills"
    __table_args__ = (
        UniqueConstraint("version_id", "slug"),
        CheckConstraint("slug <> ''", name="slug_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("framework_versions.id"), index=True)
    domain_id: Mapped[int] = mapped_column(ForeignKey("domains.id"), index=True)
    slug: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)
    risk_critical: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    position: Mapped[int] = mapped_column(Integer)

    version: Mapped[FrameworkVersion] = relationship(
        back_populates="skills", overlaps="domain,skills"
    )
    domain: Mapped[Domain] = relationship(back_populates="skills", overlaps="skills,version")
    descriptors: Mapped[list[LevelDescriptor]] = relationship(
        back_populates="skill", order_by="LevelDescriptor.level", cascade="all, delete-orphan"
    )
    targets: Mapped[list[TargetLevel]] = relationship(
        back_populates="skill", cascade="all, delete-orphan"
    )

    def descriptor(self, level: int) -> str | None:
        for d in self.descriptors:
            if d.level == level:
                return d.text
        return None

    def target_for(self, band: Band | str | None) -> int | None:
        if band is None:
            return None
        for t in self.targets:
            if t.band == band:
                return t.level
        return None


class LevelDescriptor(db.Model):
    __tablename__ = "level_descriptors"
    __table_args__ = (
        UniqueConstraint("skill_id", "level"),
        CheckConstraint("level BETWEEN 1 AND 4", name="level_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)

    skill: Mapped[Skill] = relationship(back_populates="descriptors")


class TargetLevel(db.Model):
    """The level expected of a skill for an experience band. No row: no target."""

    __tablename__ = "target_levels"
    __table_args__ = (
        UniqueConstraint("skill_id", "band"),
        CheckConstraint("level BETWEEN 1 AND 4", name="level_in_range"),
        CheckConstraint(f"band IN ({BAND_VALUES})", name="band_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), index=True)
    band: Mapped[str] = mapped_column(String(12))
    level: Mapped[int] = mapped_column(Integer)

    skill: Mapped[Skill] = relationship(back_populates="targets")
