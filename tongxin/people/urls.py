from django.urls import path

from tongxin.people import transfer_views, views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="person-list"),
    path("new/", views.person_edit, name="person-create"),
    path("<int:pk>/", views.person_detail, name="person-detail"),
    path("<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("<int:pk>/deactivate/", views.person_deactivate, name="person-deactivate"),
    path("<int:pk>/move/", views.person_move, name="person-move"),
    path("<int:pk>/transfer/", transfer_views.transfer_create, name="transfer-create"),
    path("transfers/", transfer_views.transfer_list, name="transfer-list"),
    path("transfers/<int:pk>/receive/", transfer_views.transfer_receive, name="transfer-receive"),
    path("transfers/<int:pk>/return/", transfer_views.transfer_return, name="transfer-return"),
    path("dues/<int:pk>/", views.dues, name="dues"),
    path("dues/<int:pk>/record/", views.dues_record, name="dues-record"),
    path("dues/payments/<int:pk>/undo/", views.dues_undo, name="dues-undo"),
    path("dues/year/", views.dues_year, name="dues-year"),
]
