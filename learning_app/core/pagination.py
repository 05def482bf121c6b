"""Pagination of ``select()`` statements and of lists, shaped for the govukPagination macro."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import request, url_for
from sqlalchemy import Select, func, select

from learning_app.extensions import db


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_index(self) -> int:
        return 0 if self.total == 0 else (self.page - 1) * self.per_page + 1

    @property
    def last_index(self) -> int:
        return min(self.total, self.page * self.per_page)

    def govuk_params(self, endpoint: str, **args: Any) -> dict | None:
        """Parameters for govukPagination, keeping every other query argument."""
        if self.pages <= 1:
            return None
        query = {k: v for k, v in request.args.items() if k != "page" and v}
        query.update(args)

        def link(number: int) -> str:
            return url_for(endpoint, **query, page=number)

        items = []
        for number in range(1, self.pages + 1):
            near = abs(number - self.page) <= 2 or number in (1, self.pages)
            if near:
                items.append(
                    {"number": number, "href": link(number), "current": number == self.page}
                )
            elif items and items[-1].get("ellipsis") is not True:
                items.append({"ellipsis": True})
        params: dict[str, Any] = {"items": items}
        if self.page > 1:
            params["previous"] = {"href": link(self.page - 1)}
        if self.page < self.pages:
            params["next"] = {"href": link(self.page + 1)}
        return params


def page_number() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


def paginate(statement: Select, per_page: int, page: int | None = None) -> Page:
    page = page or page_number()
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    total = total or 0
    page = _within(page, total, per_page)
    items = list(db.session.scalars(statement.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, page=page, per_page=per_page, total=total)


def paginate_list(items: Sequence[Any], per_page: int, page: int | None = None) -> Page:
    """A page of ``items``, already in order; a page past the last is the last."""
    page = _within(page or page_number(), len(items), per_page)
    return Page(list(items[(page - 1) * per_page : page * per_page]), page, per_page, len(items))


def _within(page: int, total: int, per_page: int) -> int:
    """``page``, or the last page of ``total`` items when it is past it."""
    return min(page, max(1, -(-total // per_page)))
