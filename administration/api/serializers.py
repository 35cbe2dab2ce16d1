from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.choices import Role
from core.models import Organisation, Region

from ..access import EXTRA_PERMISSIONS, Access
from ..models import Account, PendingGrant


class AccountSerializer(serializers.ModelSerializer):
    """An account with its role, scope (region codes or an organisation code), second factor and last log-in."""

    name = serializers.SerializerMethodField()
    role = serializers.SerializerMethodField()
    regions = serializers.SerializerMethodField()
    organisation = serializers.SerializerMethodField()
    permissions = serializers.SerializerMethodField()
    two_factor = serializers.SerializerMethodField()
    locked = serializers.SerializerMethodField()
    scope = serializers.SerializerMethodField()

    class Meta:
        model = Account
        fields = [
            "id",
            "username",
            "name",
            "email",
            "role",
            "regions",
            "organisation",
            "permissions",
            "scope",
            "is_active",
            "two_factor",
            "locked",
            "last_login",
        ]

    def _facts(self):
        return self.context["facts"]

    def get_name(self, obj) -> str:
        return obj.get_full_name()

    def get_role(self, obj) -> str:
        return self._facts().of(obj).role

    def get_regions(self, obj) -> list[str]:
        return list(self._facts().of(obj).regions)

    def get_organisation(self, obj) -> str | None:
        return self._facts().of(obj).organisation or None

    def get_permissions(self, obj) -> list[str]:
        return sorted(self._facts().of(obj).permissions)

    def get_two_factor(self, obj) -> bool:
        return obj.pk in self._facts().two_factor

    def get_locked(self, obj) -> bool:
        return obj.username in self._facts().locked

    def get_scope(self, obj) -> str:
        return self._facts().scope(obj)


class AccessSerializer(serializers.Serializer):
    """Role, scope and extra permissions to give an account."""

    role = serializers.ChoiceField(choices=Role.choices)
    regions = serializers.ListField(child=serializers.CharField(max_length=16), required=False, default=list)
    organisation = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    permissions = serializers.ListField(
        child=serializers.ChoiceField(choices=list(EXTRA_PERMISSIONS)), required=False, default=list
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_regions(self, value):
        return [v.strip().upper() if v.strip().lower().startswith("tw") else v.strip() for v in value]

    def access(self) -> Access:
        data = self.validated_data
        return Access.of(data["role"], data["regions"], data["organisation"], data["permissions"])


class AccountCreateSerializer(AccessSerializer):
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150)
    name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    email = serializers.EmailField()
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")


class AdministrationNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AccessResultSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["applied", "pending"], help_text=_("pending: waits for approval"))
    grant = serializers.IntegerField(allow_null=True)
    account = AccountSerializer()


class PendingGrantSerializer(serializers.ModelSerializer):
    account = serializers.IntegerField(source="user_id", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    requested_by = serializers.CharField(source="requested_by_name", read_only=True)
    decided_by = serializers.CharField(source="decided_by_name", read_only=True)

    class Meta:
        model = PendingGrant
        fields = [
            "id",
            "account",
            "username",
            "role",
            "regions",
            "organisation",
            "permissions",
            "reasons",
            "status",
            "note",
            "requested_by",
            "created_at",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields


class OrganisationSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    parent = serializers.SlugRelatedField(
        slug_field="code", queryset=Organisation.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Organisation
        fields = ["id", "code", "name", "name_en", "kind", "region", "parent", "is_active"]
        read_only_fields = ["is_active"]

    def validate_parent(self, parent):
        node, seen = parent, set()
        while node is not None and node.pk not in seen:
            if self.instance is not None and node.pk == self.instance.pk:
                raise serializers.ValidationError(_("An organisation cannot be placed under itself."))
            seen.add(node.pk)
            node = node.parent
        return parent
